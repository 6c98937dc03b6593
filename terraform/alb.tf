# Internal Application Load Balancer in the private subnets: it has no
# public address, and CloudFront reaches it only through this distribution's
# VPC origin (cdn.tf; docs/adr/0013-cloudfront-vpc-origin.md). CloudFront
# connects to origin.<app_domain> (dns.tf) over HTTPS, so the certificate
# covers that name. Only 443: there is no port-80 listener to reach.

resource "aws_lb" "api" {
  #checkov:skip=CKV2_AWS_28:WAF is not attached to the ALB: it is internal and its security group admits only the CloudFront VPC origin's security group, so all traffic has passed the edge first (see the CloudFront skip for the WAF decision).
  name               = "${local.name}-api"
  load_balancer_type = "application"
  internal           = true
  security_groups    = [aws_security_group.alb.id]
  subnets            = aws_subnet.private[*].id

  idle_timeout               = var.alb_idle_timeout_seconds
  drop_invalid_header_fields = true
  enable_deletion_protection = local.is_prod

  access_logs {
    bucket  = aws_s3_bucket.logs.id
    prefix  = "alb"
    enabled = true
  }

  depends_on = [aws_s3_bucket_policy.logs]
}

resource "aws_lb_target_group" "api" {
  #checkov:skip=CKV_AWS_378:TLS terminates at the ALB; ALB-to-task traffic stays inside the VPC between security groups that admit only each other, and the tasks carry no certificates.
  name        = "${local.name}-api"
  vpc_id      = aws_vpc.main.id
  target_type = "ip"
  protocol    = "HTTP"
  port        = var.api_container_port

  # One of the two, never both (variables.tf, alb_slow_start_seconds; the
  # choice is the planner's, src/model/alb.rs).
  load_balancing_algorithm_type = var.alb_load_balancing_algorithm
  slow_start                    = var.alb_slow_start_seconds
  deregistration_delay          = var.alb_deregistration_delay_seconds

  # Fast detection without flapping: healthy after 2 x 10 s, unhealthy after
  # 3 x 10 s. The health path must not depend on MySQL (a DB blip should not
  # drain every task at once).
  health_check {
    enabled             = true
    path                = var.api_health_check_path
    protocol            = "HTTP"
    matcher             = "200"
    interval            = 10
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.api.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = aws_acm_certificate_validation.main.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

# Warn (not fail) when SSE connections would be cut: the heartbeat must be
# shorter than the ALB idle timeout and CloudFront's 30 s origin read timeout.
check "sse_heartbeat_fits_timeouts" {
  assert {
    condition     = var.delivery_mode != "sse" || (var.sse_heartbeat_seconds < var.alb_idle_timeout_seconds && var.sse_heartbeat_seconds < 30)
    error_message = "delivery_mode = sse needs sse_heartbeat_seconds below alb_idle_timeout_seconds and below CloudFront's 30 s origin read timeout."
  }
}
