# Application Auto Scaling for the API service: target tracking on requests
# per task and on CPU, plus scheduled pre-scaling around kickoffs (reactive
# scaling takes minutes; a kickoff spike arrives in one).

resource "aws_appautoscaling_target" "api" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.api.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.api_min_tasks
  max_capacity       = var.api_max_tasks
}

resource "aws_appautoscaling_policy" "api_requests" {
  name               = "${local.name}-api-requests-per-task"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.api.service_namespace
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = aws_appautoscaling_target.api.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.api_target_requests_per_task
    scale_out_cooldown = var.api_scale_out_cooldown_seconds
    scale_in_cooldown  = var.api_scale_in_cooldown_seconds

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${aws_lb.api.arn_suffix}/${aws_lb_target_group.api.arn_suffix}"
    }
  }
}

resource "aws_appautoscaling_policy" "api_cpu" {
  name               = "${local.name}-api-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.api.service_namespace
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = aws_appautoscaling_target.api.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.api_target_cpu_percent
    scale_out_cooldown = var.api_scale_out_cooldown_seconds
    scale_in_cooldown  = var.api_scale_in_cooldown_seconds

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

locals {
  prescale_windows = { for w in var.prescale_windows : w.name => w }
}

# Before kickoff: raise the floor (max stays api_max_tasks, but never below
# the window's floor).
resource "aws_appautoscaling_scheduled_action" "prescale_up" {
  for_each = local.prescale_windows

  name               = "${local.name}-${each.key}-up"
  service_namespace  = aws_appautoscaling_target.api.service_namespace
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = aws_appautoscaling_target.api.scalable_dimension
  schedule           = each.value.scale_up_cron
  timezone           = "UTC"

  scalable_target_action {
    min_capacity = each.value.min_tasks
    max_capacity = max(var.api_max_tasks, each.value.min_tasks)
  }
}

# After the match: back to the everyday floor; target tracking scales in.
resource "aws_appautoscaling_scheduled_action" "prescale_down" {
  for_each = local.prescale_windows

  name               = "${local.name}-${each.key}-down"
  service_namespace  = aws_appautoscaling_target.api.service_namespace
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = aws_appautoscaling_target.api.scalable_dimension
  schedule           = each.value.scale_down_cron
  timezone           = "UTC"

  scalable_target_action {
    min_capacity = var.api_min_tasks
    max_capacity = var.api_max_tasks
  }

  # Application Auto Scaling applies scheduled actions on one target
  # serially; creating them in order avoids ConcurrentUpdateException.
  depends_on = [aws_appautoscaling_scheduled_action.prescale_up]
}
