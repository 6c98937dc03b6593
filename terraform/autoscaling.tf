# Application Auto Scaling for the API service: target tracking on requests
# per task and on CPU, plus scheduled pre-scaling around kickoffs (reactive
# scaling takes minutes; a kickoff spike arrives in one).
#
# An apply at any time is safe, kickoff windows included: the scalable
# target's min/max are set by Terraform only when it is created; after that
# scheduled actions own them (ignore_changes below). Otherwise an apply
# inside a window would see the pre-scaled floor as drift and reset it to
# api_min_tasks minutes before kickoff. A change of api_min_tasks or
# api_max_tasks reaches AWS through the scheduled actions: at the end of the
# next window (prescale_down) and at the daily capacity reset
# (capacity_reset_cron), which a precondition keeps outside every window.
# To apply new bounds at once, outside a window:
# docs/deploying-from-scratch.md#capacity-bounds-now (register-scalable-target).
# tests/plan.tftest.hcl proves a changed api_min_tasks leaves the target alone
# and moves the actions.

resource "aws_appautoscaling_target" "api" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.api.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.api_min_tasks
  max_capacity       = var.api_max_tasks

  lifecycle {
    ignore_changes = [min_capacity, max_capacity]
  }
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

  # Minute of the week (Monday 00:00 UTC = 0) of each window's start and
  # end, from the weekly crons (validated in variables.tf).
  cron_days = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
  prescale_minutes = [for w in var.prescale_windows : [
    for c in [w.scale_up_cron, w.scale_down_cron] : try(
      index(local.cron_days, regex(local.weekly_cron_pattern, c)[2]) * 1440 + tonumber(regex(local.weekly_cron_pattern, c)[1]) * 60 + tonumber(regex(local.weekly_cron_pattern, c)[0]),
      0,
    )
  ]]
  capacity_reset_minute = try(
    tonumber(regex("^cron\\(([0-9]+) ([0-9]+) ", var.capacity_reset_cron)[1]) * 60 + tonumber(regex("^cron\\(([0-9]+) ([0-9]+) ", var.capacity_reset_cron)[0]),
    0,
  )
  # Windows (by name) during which the daily reset would fire.
  windows_over_capacity_reset = [for i, m in local.prescale_minutes : var.prescale_windows[i].name if anytrue([
    for day in range(7) : ((day * 1440 + local.capacity_reset_minute - m[0]) % 10080 + 10080) % 10080 < ((m[1] - m[0]) % 10080 + 10080) % 10080
  ])]
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

# Every day, outside every window: min/max back to the planner's values, so
# a changed api_min_tasks/api_max_tasks reaches AWS within a day even when
# there are no windows.
resource "aws_appautoscaling_scheduled_action" "capacity_reset" {
  name               = "${local.name}-capacity-reset"
  service_namespace  = aws_appautoscaling_target.api.service_namespace
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = aws_appautoscaling_target.api.scalable_dimension
  schedule           = var.capacity_reset_cron
  timezone           = "UTC"

  scalable_target_action {
    min_capacity = var.api_min_tasks
    max_capacity = var.api_max_tasks
  }

  lifecycle {
    precondition {
      condition     = length(local.windows_over_capacity_reset) == 0
      error_message = "capacity_reset_cron (${var.capacity_reset_cron}) falls inside the prescale window(s) ${join(", ", local.windows_over_capacity_reset)}: it would drop the pre-scaled floor mid-window. Pick a daily time outside every window."
    }
  }

  depends_on = [aws_appautoscaling_scheduled_action.prescale_down]
}
