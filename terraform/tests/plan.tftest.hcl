# Plan-level tests of terraform/, against the offline hashicorp/aws stand-in
# (../shared/aws-provider-offline): no credentials, no network.
# Run: .ci/terraform.sh test   (terraform -chdir=terraform test)
#
# Not mock_provider: the configuration opens an ephemeral resource (the RDS
# master password, rds.tf), and Terraform's mock providers do not support
# ephemeral resources yet (Terraform 1.11). The stand-in answers the data
# sources the mocks used to (availability zones us-east-1a-c / use1-az1,2,4,
# account 123456789012, region us-east-1, partition aws) and fills computed
# values on apply.
#
# Every AWS or provider rule the stand-in cannot check is a validation or
# precondition in the configuration; the runs named rejects_* prove each one
# fires (expect_failures), citing the same source as the rule.

# Inputs: prod-like.auto.tfvars in this directory (production-like planner
# output shared by every run; a run's `variables` block overrides a value).

# Applied first (the stand-in fills computed values deterministically): the
# plan runs below plan against this state, so values computed at apply
# (container definitions, resource ids, ARNs) are known to their asserts,
# and an_apply_never_resets_the_scalable_target is a second apply's plan.
run "apply_prod_like" {
  command = apply
}

run "api_task_and_service_follow_planner" {
  command = plan

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
    condition = alltrue([
      for name in keys(local.api_environment) : !can(regex("(?i)password|token|secret", name))
    ])
    error_message = "No secret may be passed as a plain environment variable."
  }

  # Item 6: no task holds a password that can go stale; the API connects as
  # its own MySQL user and its own Valkey user, with IAM.
  assert {
    condition = (
      !can(jsondecode(aws_ecs_task_definition.api.container_definitions)[0].secrets) &&
      local.api_environment["DB_USER"] == "kickoff_api" && local.api_environment["DB_AUTH"] == "iam" &&
      local.api_environment["REDIS_USER"] == "kickoff-prod-api" && local.api_environment["REDIS_AUTH"] == "iam"
    )
    error_message = "The API task gets no secrets: it connects to MySQL as kickoff_api and to Valkey as kickoff-prod-api with IAM."
  }

  # Item 8: Terraform owns the task definition, image included; config and
  # image changes roll out through the service, and the apply waits for it.
  assert {
    condition     = jsondecode(aws_ecs_task_definition.api.container_definitions)[0].image == var.api_image && aws_ecs_service.api.wait_for_steady_state
    error_message = "The API runs var.api_image (by digest) and the apply waits for the rollout."
  }

  # Item 4: provider 6.x refuses a capacity_provider_strategy change on an
  # existing service without force_new_deployment (service.go,
  # capacityProviderStrategyCustomizeDiff); the stand-in cannot check it.
  assert {
    condition     = aws_ecs_service.api.force_new_deployment == true
    error_message = "force_new_deployment must be true, or a planner change of the Spot share fails at plan."
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

run "alb_is_internal_behind_a_vpc_origin" {
  command = plan

  assert {
    condition     = aws_lb.api.internal == true && aws_lb.api.subnets == toset(aws_subnet.private[*].id)
    error_message = "The ALB is internal, in the private subnets: no other CloudFront distribution, and nobody else, can reach it."
  }

  assert {
    condition = (
      aws_cloudfront_vpc_origin.alb.vpc_origin_endpoint_config[0].origin_protocol_policy == "https-only" &&
      one([for o in aws_cloudfront_distribution.main.origin : length(o.vpc_origin_config) if o.origin_id == "alb"]) == 1 &&
      one([for o in aws_cloudfront_distribution.main.origin : length(o.custom_origin_config) if o.origin_id == "alb"]) == 0
    )
    error_message = "CloudFront reaches the ALB through its VPC origin, over HTTPS only."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.alb_https_from_cloudfront.referenced_security_group_id == data.aws_security_group.cloudfront_vpc_origin.id && data.aws_security_group.cloudfront_vpc_origin.name == "CloudFront-VPCOrigins-Service-SG"
    error_message = "The ALB admits only CloudFront's VPC origin security group."
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
    condition     = aws_lb_target_group.api.load_balancing_algorithm_type == "least_outstanding_requests" && aws_lb_target_group.api.slow_start == 0 && aws_lb_target_group.api.deregistration_delay == "30"
    error_message = "Target group must use the planner's algorithm, slow start and deregistration delay."
  }
}

run "no_security_group_ingress_from_anywhere" {
  command = plan

  assert {
    condition = alltrue(concat(
      [aws_vpc_security_group_ingress_rule.alb_https_from_cloudfront.cidr_ipv4 == null && aws_vpc_security_group_ingress_rule.alb_https_from_cloudfront.prefix_list_id == null],
      [aws_vpc_security_group_ingress_rule.api_from_alb.cidr_ipv4 == null],
      [aws_vpc_security_group_ingress_rule.cache_from_api.cidr_ipv4 == null],
      [for r in aws_vpc_security_group_ingress_rule.db_from_tasks : r.cidr_ipv4 == null],
      [for r in aws_vpc_security_group_ingress_rule.endpoints_from_tasks : r.cidr_ipv4 == null],
    ))
    error_message = "No security group may admit 0.0.0.0/0 (or any CIDR): ingress is by prefix list or security group only."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.alb_https_from_cloudfront.from_port == 443 && aws_vpc_security_group_ingress_rule.alb_https_from_cloudfront.to_port == 443
    error_message = "The ALB admits HTTPS only."
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

  # Item 2: RDS refuses read replicas of a MySQL writer whose master
  # password it manages (RDS user guide, Password management with Secrets
  # Manager, Limitations). The password is write-only instead: in neither
  # state nor plan.
  assert {
    condition = (
      aws_db_instance.main.manage_master_user_password == null &&
      aws_db_instance.main.password == null &&
      aws_db_instance.main.password_wo == null &&
      aws_db_instance.main.password_wo_version == 1 &&
      aws_secretsmanager_secret_version.db_master.secret_string == null &&
      aws_secretsmanager_secret_version.db_master.secret_string_wo_version == 1 &&
      aws_secretsmanager_secret.db_master.name == "kickoff-prod/db/master"
    )
    error_message = "No managed master password; the write-only password (version db_master_password_version) goes to RDS and to kickoff-prod/db/master, never into state or the plan."
  }

  # Item 7: MySQL 8.4, never silently in paid Extended Support.
  assert {
    condition = (
      aws_db_instance.main.engine_version == "8.4" &&
      aws_db_parameter_group.mysql.family == "mysql8.4" &&
      aws_db_instance.main.engine_lifecycle_support == "open-source-rds-extended-support-disabled"
    )
    error_message = "MySQL 8.4 (mysql8.4 family) with engine_lifecycle_support = open-source-rds-extended-support-disabled."
  }

  assert {
    condition     = alltrue([for r in aws_db_instance.replica : r.iam_database_authentication_enabled]) && aws_db_instance.main.iam_database_authentication_enabled
    error_message = "IAM database authentication on the writer and every replica (the tasks use it)."
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

  # Item 11: no AUTH token (it would sit in state and in the saved plan);
  # IAM authentication instead. Its rules (ElastiCache user guide,
  # Authenticating with IAM, Limitations): Valkey >= 7.2 or Redis OSS >= 7.0,
  # encryption in transit, user name equal to user ID.
  assert {
    condition = (
      aws_elasticache_replication_group.main.auth_token == null &&
      aws_elasticache_replication_group.main.user_group_ids == toset([aws_elasticache_user_group.main.user_group_id]) &&
      aws_elasticache_user.api.authentication_mode[0].type == "iam" &&
      aws_elasticache_user.api.user_name == aws_elasticache_user.api.user_id &&
      tonumber(aws_elasticache_replication_group.main.engine_version) >= 7.2
    )
    error_message = "Valkey uses IAM authentication (user name = user ID, Valkey >= 7.2, TLS), no AUTH token."
  }

  assert {
    condition     = aws_elasticache_user.default.user_name == "default" && startswith(aws_elasticache_user.default.access_string, "off ")
    error_message = "The group's required default user is switched off."
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

  # Item 10: failures are not silent.
  assert {
    condition = alltrue([
      for s in aws_scheduler_schedule.job : s.target[0].dead_letter_config[0].arn == aws_sqs_queue.job_failures.arn
    ])
    error_message = "Both schedules dead-letter failed runs into the job-failures queue."
  }

  assert {
    condition = (
      jsondecode(aws_cloudwatch_event_rule.job_failed.event_pattern).detail.lastStatus == ["STOPPED"] &&
      length(jsondecode(aws_cloudwatch_event_rule.job_failed.event_pattern).detail.taskDefinitionArn) == 2 &&
      aws_cloudwatch_metric_alarm.job_failed.dimensions.QueueName == "kickoff-prod-job-failures" &&
      aws_cloudwatch_metric_alarm.job_failed.threshold == 1
    )
    error_message = "Stopped job tasks go to the job-failures queue, and any message there fires job-failed."
  }

  # cron(0 3 * * ? *) is daily: no backup in 25 hours fires the alarm.
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.backup_age.evaluation_periods == 25 &&
      aws_cloudwatch_metric_alarm.backup_age.datapoints_to_alarm == 25 &&
      aws_cloudwatch_metric_alarm.backup_age.period == 3600 &&
      aws_cloudwatch_metric_alarm.backup_age.treat_missing_data == "breaching" &&
      aws_cloudwatch_metric_alarm.backup_age.namespace == "Kickoff/Jobs"
    )
    error_message = "backup-age: a missing success datapoint in every hour of the interval + 1 h fires it."
  }

  assert {
    condition = alltrue([
      for e in jsondecode(aws_ecs_task_definition.job["backup"].container_definitions)[0].environment :
      e.value == "kickoff_backup" if e.name == "DB_USER"
      ]) && !can(jsondecode(aws_ecs_task_definition.job["backup"].container_definitions)[0].secrets) && (
      !can(jsondecode(aws_ecs_task_definition.job["archive"].container_definitions)[0].secrets)
    )
    error_message = "The jobs get no secrets: they connect as their own MySQL users with IAM."
  }

  # Item 6: the users the tasks connect as, created by the db-admin task.
  assert {
    condition = alltrue([
      for u in ["kickoff_api", "kickoff_backup", "kickoff_archive"] :
      strcontains(local.users_sql, "CREATE USER IF NOT EXISTS '${u}'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'")
    ]) && length(regexall("[$][{]", local.users_sql)) == 0
    error_message = "sql/users.sql creates the three IAM-authenticated users."
  }

  assert {
    condition = (
      one([for e in jsondecode(aws_ecs_task_definition.db_admin.container_definitions)[0].environment : e.value if e.name == "USERS_SQL"]) == local.users_sql &&
      aws_ecs_task_definition.db_admin.execution_role_arn == aws_iam_role.db_admin_execution.arn
    )
    error_message = "db-admin carries users.sql and is the only task whose execution role reads the master secret."
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

  assert {
    condition     = aws_lb.api.name == "kickoff-staging-api" && aws_lb_target_group.api.name == "kickoff-staging-api"
    error_message = "ALB and target group names are <project>-<environment>-api."
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

# gp3 IOPS (RDS user guide, DB instance storage, gp3): only from 400 GiB,
# and then above the included 12,000.
run "rejects_iops_below_400_gb" {
  command = plan

  variables {
    db_iops = 13000
  }

  expect_failures = [var.db_iops]
}

run "rejects_iops_below_the_included_12000_at_400_gb" {
  command = plan

  variables {
    db_allocated_storage_gb = 400
    db_iops                 = 6000
  }

  expect_failures = [var.db_iops]
}

run "accepts_iops_above_12000_at_400_gb" {
  command = plan

  variables {
    db_allocated_storage_gb = 400
    db_iops                 = 20000
  }

  assert {
    condition     = aws_db_instance.main.iops == 20000 && aws_db_instance.replica[0].iops == 20000
    error_message = "db_iops reaches the writer and the replicas."
  }
}

run "rejects_base_above_min" {
  command = plan

  variables {
    api_on_demand_base_tasks = 4
  }

  expect_failures = [var.api_on_demand_base_tasks]
}

# --- Item 1: ALB routing (ALB user guide, target group attributes, Routing
# algorithm: "You cannot enable both least outstanding requests and slow
# start mode").

run "rejects_slow_start_with_least_outstanding_requests" {
  command = plan

  variables {
    alb_slow_start_seconds = 30
  }

  expect_failures = [var.alb_slow_start_seconds]
}

run "accepts_slow_start_with_round_robin" {
  command = plan

  variables {
    alb_load_balancing_algorithm = "round_robin"
    alb_slow_start_seconds       = 30
  }

  assert {
    condition     = aws_lb_target_group.api.load_balancing_algorithm_type == "round_robin" && aws_lb_target_group.api.slow_start == 30
    error_message = "round_robin may ramp new targets up."
  }
}

# --- Item 7: MySQL 8.0 is past standard support; Extended Support is off.

run "rejects_mysql_80" {
  command = plan

  variables {
    db_engine_version = "8.0"
  }

  expect_failures = [var.db_engine_version]
}

# --- Item 12: S3 lifecycle transitions (S3 user guide, Constraints and
# considerations for transitions; the API error quotes 90 days after
# GLACIER_IR).

run "rejects_deep_archive_less_than_90_days_after_glacier_ir" {
  command = plan

  variables {
    archive_glacier_ir_after_days   = 100
    archive_deep_archive_after_days = 160
  }

  expect_failures = [var.archive_deep_archive_after_days]
}

run "rejects_glacier_ir_less_than_30_days_after_ia" {
  command = plan

  variables {
    archive_ia_after_days         = 30
    archive_glacier_ir_after_days = 45
  }

  expect_failures = [var.archive_glacier_ir_after_days]
}

# S3 sets no minimum age for Glacier-class transitions, so the planner's
# earliest lifecycle days (src/model/validate.rs) plan here too.
run "accepts_glacier_transitions_from_day_one" {
  command = plan

  variables {
    archive_ia_after_days           = 0
    archive_glacier_ir_after_days   = 1
    archive_deep_archive_after_days = 91
    backup_glacier_after_days       = 1
  }
}

run "rejects_fractional_lifecycle_days" {
  command = plan

  variables {
    backup_glacier_after_days = 1.5
  }

  expect_failures = [var.backup_glacier_after_days]
}

run "rejects_backup_transition_at_or_after_expiry" {
  command = plan

  variables {
    backup_glacier_after_days = 120
  }

  expect_failures = [var.backup_glacier_after_days]
}

# --- Item 13: names, images.

run "rejects_a_project_name_that_overflows_alb_names" {
  command = plan

  variables {
    environment = "staging"
    project     = "kickoff-live-comments" # 21 characters: kickoff-live-comments-staging-api is 33
  }

  expect_failures = [var.project]
}

run "rejects_an_image_by_tag" {
  command = plan

  variables {
    api_image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/kickoff/api:bootstrap"
  }

  expect_failures = [var.api_image]
}

run "deploy_role_cannot_pass_roles_or_register_tasks" {
  command = plan

  assert {
    condition = alltrue([
      for action in ["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:UpdateService", "ecr:PutImage"] :
      !strcontains(data.aws_iam_policy_document.deploy.json, action)
    ])
    error_message = "The deploy role publishes content and checks rollouts; images roll out through an apply."
  }
}

# --- Item 10: the backup-age alarm's look-back stays within PutMetricAlarm's
# 7 days (CloudWatch API reference, PutMetricAlarm, Period).

run "rejects_a_backup_interval_beyond_the_alarm_range" {
  command = plan

  variables {
    backup_schedule_expression = "rate(7 days)"
  }

  expect_failures = [var.backup_schedule_expression]
}

run "backup_alarm_follows_the_rate" {
  command = plan

  variables {
    backup_schedule_expression = "rate(6 hours)"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.backup_age.evaluation_periods == 7
    error_message = "rate(6 hours): the alarm fires after 7 hours without a successful backup."
  }
}

# --- Item 9: an apply inside a kickoff window must not undo pre-scaling.

run "rejects_a_capacity_reset_inside_a_window" {
  command = plan

  variables {
    prescale_windows = [
      { name = "early", scale_up_cron = "cron(30 5 ? * SAT *)", scale_down_cron = "cron(0 8 ? * SAT *)", min_tasks = 6 },
    ]
  }

  expect_failures = [aws_appautoscaling_scheduled_action.capacity_reset]
}

run "a_window_across_midnight_is_checked_too" {
  command = plan

  variables {
    capacity_reset_cron = "cron(30 0 * * ? *)"
    prescale_windows = [
      { name = "late", scale_up_cron = "cron(30 23 ? * SUN *)", scale_down_cron = "cron(0 2 ? * MON *)", min_tasks = 6 },
    ]
  }

  expect_failures = [aws_appautoscaling_scheduled_action.capacity_reset]
}

run "rejects_a_prescale_cron_that_is_not_weekly" {
  command = plan

  variables {
    prescale_windows = [
      { name = "daily", scale_up_cron = "cron(30 13 * * ? *)", scale_down_cron = "cron(0 20 * * ? *)", min_tasks = 6 },
    ]
  }

  expect_failures = [var.prescale_windows]
}

# Planned again after apply_prod_like with a new floor, as an apply in the
# middle of a kickoff window would be: the scalable target keeps what AWS has
# (the scheduled actions own it), the actions get the new floor.
run "an_apply_never_resets_the_scalable_target" {
  command = plan

  variables {
    api_min_tasks = 4
    api_max_tasks = 14
  }

  assert {
    condition     = aws_appautoscaling_target.api.min_capacity == 3 && aws_appautoscaling_target.api.max_capacity == 12
    error_message = "ignore_changes: a changed api_min_tasks/api_max_tasks must not touch the target's min/max (a window may have raised them)."
  }

  assert {
    condition = (
      aws_appautoscaling_scheduled_action.capacity_reset.scalable_target_action[0].min_capacity == "4" &&
      aws_appautoscaling_scheduled_action.capacity_reset.scalable_target_action[0].max_capacity == "14" &&
      alltrue([for a in aws_appautoscaling_scheduled_action.prescale_down : a.scalable_target_action[0].min_capacity == "4"])
    )
    error_message = "The new bounds reach AWS through the daily reset and the end of each window."
  }
}

# IAM database authentication is scoped per MySQL user and instance (RDS user
# guide, Creating and using an IAM policy for IAM database access): resource
# ids are known after apply_prod_like.
run "each_task_connects_as_its_own_mysql_user" {
  command = plan

  assert {
    condition = (
      toset(one([for st in jsondecode(data.aws_iam_policy_document.api_task.json).Statement : st.Resource if st.Sid == "ConnectToMysqlAsApi"])) ==
      toset([for id in concat([aws_db_instance.main.resource_id], aws_db_instance.replica[*].resource_id) : "arn:aws:rds-db:us-east-1:123456789012:dbuser:${id}/kickoff_api"])
    )
    error_message = "The API may connect as kickoff_api to the writer and each replica, and as nobody else."
  }

  assert {
    condition = (
      one([for st in jsondecode(data.aws_iam_policy_document.backup_task.json).Statement : st.Resource if st.Sid == "ConnectToMysqlAsBackup"]) ==
      "arn:aws:rds-db:us-east-1:123456789012:dbuser:${aws_db_instance.replica[0].resource_id}/kickoff_backup" &&
      one([for st in jsondecode(data.aws_iam_policy_document.archive_task.json).Statement : st.Resource if st.Sid == "ConnectToMysqlAsArchive"]) ==
      "arn:aws:rds-db:us-east-1:123456789012:dbuser:${aws_db_instance.main.resource_id}/kickoff_archive"
    )
    error_message = "The backup job connects as kickoff_backup to the replica it dumps; the archive job as kickoff_archive to the writer."
  }
}
