# Plan-only unit tests with a mocked AWS provider: no credentials, no network.
# Run: .ci/terraform.sh test   (terraform -chdir=terraform test)

mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = {
      names    = ["us-east-1a", "us-east-1b", "us-east-1c"]
      zone_ids = ["use1-az1", "use1-az2", "use1-az4"]
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_region" {
    defaults = {
      region = "us-east-1"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

# Production-like planner output, shared by every run unless overridden.
# Values an assert reads are kept distinct from each other (and from the
# hard-coded job sizes), so an assert fails if two wirings are swapped.
variables {
  environment                    = "prod"
  az_count                       = 2
  egress_mode                    = "nat_per_az"
  api_cpu                        = 2048
  api_memory                     = 4096
  api_cpu_architecture           = "ARM64"
  api_min_tasks                  = 3
  api_max_tasks                  = 12
  api_on_demand_base_tasks       = 2
  api_spot_percent               = 70
  api_target_requests_per_task   = 6000
  api_target_cpu_percent         = 55
  api_scale_out_cooldown_seconds = 60
  api_scale_in_cooldown_seconds  = 300
  prescale_windows = [
    { name = "saturday", scale_up_cron = "cron(30 13 ? * SAT *)", scale_down_cron = "cron(0 20 ? * SAT *)", min_tasks = 8 },
    { name = "sunday", scale_up_cron = "cron(30 12 ? * SUN *)", scale_down_cron = "cron(0 19 ? * SUN *)", min_tasks = 6 },
  ]
  delivery_mode                    = "polling"
  poll_interval_seconds            = 5
  sse_heartbeat_seconds            = 15
  alb_idle_timeout_seconds         = 60
  alb_deregistration_delay_seconds = 30
  alb_slow_start_seconds           = 90
  db_instance_class                = "db.m7g.large"
  db_multi_az                      = true
  db_allocated_storage_gb          = 100
  db_iops                          = 0
  db_read_replica_count            = 1
  db_backup_retention_days         = 14
  cache_engine                     = "valkey"
  cache_node_type                  = "cache.t4g.small"
  cache_replicas                   = 2
  cdn_price_class                  = "PriceClass_100"
  cdn_live_ttl_seconds             = 2
  cdn_origin_shield_enabled        = true
  assets_ia_after_days             = 75
  commentary_hot_retention_days    = 40
  archive_ia_after_days            = 30
  archive_glacier_ir_after_days    = 100
  archive_deep_archive_after_days  = 365
  backup_schedule_expression       = "cron(0 3 * * ? *)"
  backup_s3_retention_days         = 120
  backup_glacier_after_days        = 45
  noncurrent_version_expiry_days   = 21
  log_retention_days               = 60
  monthly_budget_usd               = 900
}

run "api_task_and_service_follow_planner" {
  command = plan

  # The RDS-managed master secret is computed; give it a known ARN at plan
  # time so the secret references below can be compared.
  override_resource {
    target          = aws_db_instance.main
    override_during = plan
    values = {
      master_user_secret = [{
        secret_arn    = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-mock"
        kms_key_id    = "arn:aws:kms:us-east-1:123456789012:key/mock"
        secret_status = "active"
      }]
    }
  }

  assert {
    condition     = aws_ecs_task_definition.api.cpu == "2048" && aws_ecs_task_definition.api.memory == "4096"
    error_message = "Task cpu/memory must come from api_cpu/api_memory."
  }

  assert {
    condition     = aws_ecs_task_definition.api.runtime_platform[0].cpu_architecture == "ARM64"
    error_message = "Task architecture must come from api_cpu_architecture."
  }

  assert {
    condition     = aws_appautoscaling_target.api.min_capacity == 3 && aws_appautoscaling_target.api.max_capacity == 12
    error_message = "Autoscaling min/max must follow api_min_tasks/api_max_tasks."
  }

  assert {
    condition     = aws_ecs_service.api.deployment_minimum_healthy_percent == 100 && aws_ecs_service.api.deployment_maximum_percent == 200
    error_message = "Zero-downtime deploys need min healthy 100 % and max 200 %."
  }

  assert {
    condition     = aws_ecs_service.api.deployment_circuit_breaker[0].enable && aws_ecs_service.api.deployment_circuit_breaker[0].rollback
    error_message = "The deployment circuit breaker must roll back."
  }

  assert {
    condition     = aws_ecs_service.api.network_configuration[0].assign_public_ip == false
    error_message = "Tasks in private subnets must not get public IPs."
  }

  assert {
    condition     = local.api_environment["POLL_INTERVAL_SECONDS"] == "5" && local.api_environment["DELIVERY_MODE"] == "polling"
    error_message = "poll_interval_seconds must reach the container as POLL_INTERVAL_SECONDS."
  }

  assert {
    condition = [for s in local.db_secrets : [s.name, s.valueFrom]] == [
      ["DB_USERNAME", "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-mock:username::"],
      ["DB_PASSWORD", "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-mock:password::"],
    ]
    error_message = "DB_USERNAME/DB_PASSWORD must read the username/password keys of the RDS-managed master secret."
  }

  assert {
    condition = alltrue([
      for name in keys(local.api_environment) : !can(regex("(?i)password|token|secret", name))
    ])
    error_message = "No secret may be passed as a plain environment variable."
  }
}

run "budget_follows_planner" {
  command = plan

  assert {
    condition     = length(aws_budgets_budget.monthly) == 1 && aws_budgets_budget.monthly[0].limit_amount == "900.00"
    error_message = "monthly_budget_usd > 0 creates a budget with that limit."
  }

  assert {
    condition     = one([for f in aws_budgets_budget.monthly[0].cost_filter : f.values[0]]) == "user:Environment$prod"
    error_message = "The budget filters on the Environment cost allocation tag."
  }
}

run "spot_strategy_with_on_demand_base" {
  command = plan

  assert {
    condition     = length(aws_ecs_service.api.capacity_provider_strategy) == 2
    error_message = "api_spot_percent > 0 must add a FARGATE_SPOT strategy."
  }

  assert {
    condition = alltrue([
      for s in aws_ecs_service.api.capacity_provider_strategy :
      s.capacity_provider == "FARGATE" ? (s.base == 2 && s.weight == 30) : (s.capacity_provider == "FARGATE_SPOT" && s.weight == 70 && s.base == 0)
    ])
    error_message = "FARGATE carries api_on_demand_base_tasks and weight 100 - api_spot_percent; FARGATE_SPOT base 0, weight api_spot_percent."
  }
}

run "no_spot_when_percent_is_zero" {
  command = plan

  variables {
    api_spot_percent = 0
  }

  assert {
    condition     = length(aws_ecs_service.api.capacity_provider_strategy) == 1
    error_message = "api_spot_percent = 0 must leave FARGATE_SPOT out."
  }
}

run "prescale_windows_become_scheduled_actions" {
  command = plan

  assert {
    condition     = length(aws_appautoscaling_scheduled_action.prescale_up) == 2 && length(aws_appautoscaling_scheduled_action.prescale_down) == 2
    error_message = "Each prescale window needs one scale-up and one scale-down action."
  }

  assert {
    condition = (
      tonumber(aws_appautoscaling_scheduled_action.prescale_up["saturday"].scalable_target_action[0].min_capacity) == 8 &&
      aws_appautoscaling_scheduled_action.prescale_up["saturday"].schedule == "cron(30 13 ? * SAT *)" &&
      aws_appautoscaling_scheduled_action.prescale_up["saturday"].timezone == "UTC"
    )
    error_message = "Scale-up must raise min capacity to the window's min_tasks at scale_up_cron, in UTC."
  }

  assert {
    condition     = tonumber(aws_appautoscaling_scheduled_action.prescale_down["sunday"].scalable_target_action[0].min_capacity) == 3
    error_message = "Scale-down must return min capacity to api_min_tasks."
  }
}

run "no_windows_no_actions" {
  command = plan

  variables {
    prescale_windows = []
  }

  assert {
    condition     = length(aws_appautoscaling_scheduled_action.prescale_up) == 0 && length(aws_appautoscaling_scheduled_action.prescale_down) == 0
    error_message = "No prescale windows, no scheduled actions."
  }
}

run "target_tracking_uses_alb_and_cpu" {
  command = plan

  assert {
    condition     = aws_appautoscaling_policy.api_requests.target_tracking_scaling_policy_configuration[0].target_value == 6000
    error_message = "Request target must follow api_target_requests_per_task."
  }

  assert {
    condition     = aws_appautoscaling_policy.api_requests.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ALBRequestCountPerTarget"
    error_message = "Request-based target tracking must use ALBRequestCountPerTarget."
  }

  assert {
    condition = alltrue([
      for p in [aws_appautoscaling_policy.api_requests, aws_appautoscaling_policy.api_cpu] :
      p.target_tracking_scaling_policy_configuration[0].scale_out_cooldown == 60 && p.target_tracking_scaling_policy_configuration[0].scale_in_cooldown == 300
    ])
    error_message = "Both target tracking policies must use api_scale_out_cooldown_seconds and api_scale_in_cooldown_seconds."
  }

  assert {
    condition     = aws_appautoscaling_policy.api_cpu.target_tracking_scaling_policy_configuration[0].target_value == 55
    error_message = "CPU target tracking must follow api_target_cpu_percent."
  }
}

run "http_listener_redirects_to_https" {
  command = plan

  assert {
    condition = (
      aws_lb_listener.http.default_action[0].type == "redirect" &&
      aws_lb_listener.http.default_action[0].redirect[0].protocol == "HTTPS" &&
      aws_lb_listener.http.default_action[0].redirect[0].status_code == "HTTP_301"
    )
    error_message = "Port 80 must redirect to HTTPS."
  }

  assert {
    condition     = aws_lb_listener.https.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    error_message = "The HTTPS listener must use the TLS 1.3/1.2 policy."
  }

  assert {
    condition     = aws_lb.api.enable_deletion_protection == true && aws_lb.api.drop_invalid_header_fields == true
    error_message = "prod ALB needs deletion protection and must drop invalid headers."
  }

  assert {
    condition     = aws_lb_target_group.api.load_balancing_algorithm_type == "least_outstanding_requests" && aws_lb_target_group.api.slow_start == 90 && aws_lb_target_group.api.deregistration_delay == "30"
    error_message = "Target group must use LOR, slow start and deregistration delay from the planner."
  }
}

run "no_security_group_ingress_from_anywhere" {
  command = plan

  assert {
    condition = alltrue(concat(
      [aws_vpc_security_group_ingress_rule.alb_https_from_cloudfront.cidr_ipv4 == null],
      [aws_vpc_security_group_ingress_rule.api_from_alb.cidr_ipv4 == null],
      [aws_vpc_security_group_ingress_rule.cache_from_api.cidr_ipv4 == null],
      [for r in aws_vpc_security_group_ingress_rule.db_from_tasks : r.cidr_ipv4 == null],
      [for r in aws_vpc_security_group_ingress_rule.endpoints_from_tasks : r.cidr_ipv4 == null],
    ))
    error_message = "No security group may admit 0.0.0.0/0 (or any CIDR): ingress is by prefix list or security group only."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.alb_https_from_cloudfront.from_port == 443 && aws_vpc_security_group_ingress_rule.alb_https_from_cloudfront.prefix_list_id != null
    error_message = "The ALB must only admit HTTPS from the CloudFront prefix list."
  }
}

run "db_replicas_and_multi_az_follow_planner" {
  command = plan

  variables {
    db_read_replica_count = 4
  }

  assert {
    condition     = length(aws_db_instance.replica) == 4
    error_message = "Replica count must follow db_read_replica_count."
  }

  assert {
    condition     = aws_db_instance.main.multi_az == true && aws_db_instance.main.storage_type == "gp3" && aws_db_instance.main.storage_encrypted
    error_message = "Writer must be Multi-AZ (per planner), gp3 and encrypted."
  }

  assert {
    condition     = aws_db_instance.main.manage_master_user_password == true && aws_db_instance.main.password == null
    error_message = "The master password must be managed by RDS, never set here."
  }

  assert {
    condition     = aws_db_instance.main.iops == null
    error_message = "db_iops = 0 must keep the gp3 baseline (iops unset)."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.rds_replica_lag) == 4
    error_message = "Each replica gets a lag alarm."
  }
}

run "cache_ha_follows_replicas" {
  command = plan

  assert {
    condition = (
      aws_elasticache_replication_group.main.num_cache_clusters == 3 &&
      aws_elasticache_replication_group.main.automatic_failover_enabled &&
      aws_elasticache_replication_group.main.multi_az_enabled &&
      aws_elasticache_replication_group.main.transit_encryption_enabled &&
      aws_elasticache_replication_group.main.at_rest_encryption_enabled
    )
    error_message = "2 replicas: 3 nodes, failover, Multi-AZ, encryption in transit and at rest."
  }

  assert {
    condition     = aws_elasticache_replication_group.main.engine == "valkey" && aws_elasticache_parameter_group.main.family == "valkey8"
    error_message = "Valkey engine needs the valkey8 parameter group family."
  }
}

run "lifecycle_days_follow_planner" {
  command = plan

  assert {
    condition = (
      { for t in aws_s3_bucket_lifecycle_configuration.this["archive"].rule[0].transition : t.storage_class => t.days } ==
      { STANDARD_IA = 30, GLACIER_IR = 100, DEEP_ARCHIVE = 365 }
    )
    error_message = "Archive transitions must follow archive_ia/glacier_ir/deep_archive_after_days."
  }

  assert {
    condition = (
      { for t in aws_s3_bucket_lifecycle_configuration.this["assets"].rule[0].transition : t.storage_class => t.days } == { STANDARD_IA = 75 } &&
      { for t in aws_s3_bucket_lifecycle_configuration.this["backups"].rule[0].transition : t.storage_class => t.days } == { GLACIER_IR = 45 }
    )
    error_message = "Assets go to STANDARD_IA after assets_ia_after_days, backups to GLACIER_IR after backup_glacier_after_days."
  }

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.this["backups"].rule[0].expiration[0].days == 120
    error_message = "Backups must expire after backup_s3_retention_days."
  }

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.this["assets"].rule[0].noncurrent_version_expiration[0].noncurrent_days == 21
    error_message = "Noncurrent versions must expire after noncurrent_version_expiry_days."
  }
}

run "lifecycle_zero_days_omit_rules" {
  command = plan

  variables {
    assets_ia_after_days            = 0
    archive_ia_after_days           = 0
    archive_glacier_ir_after_days   = 0
    archive_deep_archive_after_days = 180
    backup_glacier_after_days       = 0
  }

  assert {
    condition     = length(aws_s3_bucket_lifecycle_configuration.this["assets"].rule[0].transition) == 0
    error_message = "assets_ia_after_days = 0 must omit the transition."
  }

  assert {
    condition = (
      length(aws_s3_bucket_lifecycle_configuration.this["archive"].rule[0].transition) == 1 &&
      one([for t in aws_s3_bucket_lifecycle_configuration.this["archive"].rule[0].transition : t.storage_class]) == "DEEP_ARCHIVE"
    )
    error_message = "Only the non-zero archive transition may remain."
  }

  assert {
    condition     = length(aws_s3_bucket_lifecycle_configuration.this["backups"].rule[0].transition) == 0
    error_message = "backup_glacier_after_days = 0 must omit the transition."
  }
}

run "scheduled_jobs_keep_their_shape" {
  command = plan

  assert {
    condition = (
      aws_ecs_task_definition.job["backup"].family == "kickoff-prod-backup" &&
      aws_ecs_task_definition.job["archive"].family == "kickoff-prod-archive" &&
      aws_scheduler_schedule.job["backup"].name == "kickoff-prod-mysql-backup" &&
      aws_scheduler_schedule.job["archive"].name == "kickoff-prod-commentary-archive"
    )
    error_message = "Job task families and schedule names must not change (IAM and state depend on them)."
  }

  assert {
    condition = (
      aws_ecs_task_definition.job["backup"].cpu == "1024" && aws_ecs_task_definition.job["backup"].memory == "2048" &&
      aws_ecs_task_definition.job["archive"].cpu == "512" && aws_ecs_task_definition.job["archive"].memory == "1024"
    )
    error_message = "Backup runs on 1 vCPU / 2 GiB, archival on 0.5 vCPU / 1 GiB."
  }

  assert {
    condition = (
      aws_scheduler_schedule.job["backup"].schedule_expression == "cron(0 3 * * ? *)" &&
      aws_scheduler_schedule.job["backup"].flexible_time_window[0].maximum_window_in_minutes == 15 &&
      aws_scheduler_schedule.job["archive"].flexible_time_window[0].maximum_window_in_minutes == 30 &&
      alltrue([for s in aws_scheduler_schedule.job : s.target[0].retry_policy[0].maximum_retry_attempts == 3])
    )
    error_message = "Job schedules: backup_schedule_expression, 15/30 min flexible windows, 3 retries."
  }
}

run "staging_shape" {
  command = plan

  variables {
    environment               = "staging"
    egress_mode               = "public_subnets"
    api_min_tasks             = 1
    api_max_tasks             = 3
    api_on_demand_base_tasks  = 0
    db_multi_az               = false
    db_read_replica_count     = 0
    cache_replicas            = 0
    monthly_budget_usd        = 0
    cdn_origin_shield_enabled = false
  }

  assert {
    condition     = length(aws_db_instance.replica) == 0 && aws_db_instance.main.multi_az == false
    error_message = "Staging: no replicas, single-AZ writer."
  }

  assert {
    condition     = aws_elasticache_replication_group.main.num_cache_clusters == 1 && aws_elasticache_replication_group.main.automatic_failover_enabled == false
    error_message = "0 cache replicas: one node, no failover."
  }

  assert {
    condition     = length(aws_budgets_budget.monthly) == 0
    error_message = "monthly_budget_usd = 0 means no budget."
  }

  assert {
    condition     = length(aws_nat_gateway.main) == 0 && aws_ecs_service.api.network_configuration[0].assign_public_ip == true
    error_message = "public_subnets egress: no NAT, tasks get public IPs."
  }

  assert {
    condition     = aws_lb.api.enable_deletion_protection == false
    error_message = "Deletion protection on the ALB is prod-only."
  }
}

run "vpc_endpoints_mode" {
  command = plan

  variables {
    egress_mode = "vpc_endpoints"
  }

  assert {
    condition     = length(aws_nat_gateway.main) == 0 && length(aws_vpc_endpoint.interface) == 5
    error_message = "vpc_endpoints: no NAT, five interface endpoints."
  }

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.tasks_https_internet) == 0
    error_message = "vpc_endpoints: tasks get no internet egress rule."
  }
}

run "nat_per_az_vs_single" {
  command = plan

  assert {
    condition     = length(aws_nat_gateway.main) == 2 && length(aws_route.private_nat) == 2
    error_message = "nat_per_az: one NAT gateway and route per AZ."
  }
}

run "rejects_invalid_fargate_pair" {
  command = plan

  variables {
    api_cpu    = 1024
    api_memory = 1024
  }

  expect_failures = [var.api_memory]
}

run "rejects_single_task_in_prod" {
  command = plan

  variables {
    api_min_tasks            = 1
    api_on_demand_base_tasks = 1
  }

  expect_failures = [var.api_min_tasks]
}

run "rejects_duplicate_window_names" {
  command = plan

  variables {
    prescale_windows = [
      { name = "derby", scale_up_cron = "cron(0 12 ? * SAT *)", scale_down_cron = "cron(0 16 ? * SAT *)", min_tasks = 4 },
      { name = "derby", scale_up_cron = "cron(0 12 ? * SUN *)", scale_down_cron = "cron(0 16 ? * SUN *)", min_tasks = 4 },
    ]
  }

  expect_failures = [var.prescale_windows]
}

run "rejects_iops_below_400_gb" {
  command = plan

  variables {
    db_iops = 12000
  }

  expect_failures = [var.db_iops]
}

run "rejects_base_above_min" {
  command = plan

  variables {
    api_on_demand_base_tasks = 4
  }

  expect_failures = [var.api_on_demand_base_tasks]
}
