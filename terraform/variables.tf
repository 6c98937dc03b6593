# Variables fall in two groups (docs/tfvars-contract.md):
#
# * Planner-owned: written by `kickoff tfvars` into environments/<env>.tfvars.
#   Their descriptions start with "Planner-owned:" and they have no default,
#   so a missing value is an error instead of a silent fallback.
# * Team-owned: identity, domain, alerting, in the committed
#   environments/<env>.team.tfvars (docs/deploying-from-scratch.md), and the
#   container images, which the deploy workflow passes with -var (a deploy's
#   input, or what runs now: `terraform output images`).
#
# AWS rules the offline provider cannot check are validations here (or
# preconditions beside their resource), each citing its source, each proved
# to fire by a run in tests/*.tftest.hcl.

# ---------------------------------------------------------------------------
# Planner-owned (docs/tfvars-contract.md). Keep names and types in lockstep
# with the contract: tests/tfvars_contract.rs parses this file.
# ---------------------------------------------------------------------------

variable "environment" {
  description = "Planner-owned: deployment environment, prod or staging."
  type        = string

  validation {
    condition     = contains(["prod", "staging"], var.environment)
    error_message = "environment must be \"prod\" or \"staging\"."
  }
}

variable "az_count" {
  description = "Planner-owned: number of Availability Zones the VPC, tasks, database and cache span."
  type        = number

  validation {
    condition     = contains([2, 3], var.az_count)
    error_message = "az_count must be 2 or 3."
  }
}

variable "egress_mode" {
  description = "Planner-owned: how private tasks reach AWS APIs and the internet: nat_per_az, single_nat, vpc_endpoints or public_subnets."
  type        = string

  validation {
    condition     = contains(["nat_per_az", "single_nat", "vpc_endpoints", "public_subnets"], var.egress_mode)
    error_message = "egress_mode must be one of nat_per_az, single_nat, vpc_endpoints, public_subnets."
  }
}

variable "api_cpu" {
  description = "Planner-owned: Fargate task CPU units for the API (1 vCPU = 1024)."
  type        = number

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.api_cpu)
    error_message = "api_cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384."
  }
}

variable "api_memory" {
  description = "Planner-owned: Fargate task memory for the API in MiB; must be a valid Fargate pair with api_cpu."
  type        = number

  validation {
    condition     = contains(lookup(local.fargate_memory_by_cpu, tostring(var.api_cpu), []), var.api_memory)
    error_message = "api_memory is not a valid Fargate memory size for api_cpu (e.g. 1024 cpu takes 2048-8192 MiB in 1024 MiB steps)."
  }
}

variable "api_cpu_architecture" {
  description = "Planner-owned: task CPU architecture, X86_64 or ARM64 (Graviton)."
  type        = string

  validation {
    condition     = contains(["X86_64", "ARM64"], var.api_cpu_architecture)
    error_message = "api_cpu_architecture must be X86_64 or ARM64."
  }
}

variable "api_min_tasks" {
  description = "Planner-owned: autoscaling floor outside kickoff windows (at least 1, at least 2 in prod)."
  type        = number

  validation {
    condition     = var.api_min_tasks == floor(var.api_min_tasks) && var.api_min_tasks >= (var.environment == "prod" ? 2 : 1)
    error_message = "api_min_tasks must be a whole number >= 1, and >= 2 when environment = prod."
  }
}

variable "api_max_tasks" {
  description = "Planner-owned: autoscaling ceiling for the API service."
  type        = number

  validation {
    condition     = var.api_max_tasks == floor(var.api_max_tasks) && var.api_max_tasks >= var.api_min_tasks
    error_message = "api_max_tasks must be a whole number >= api_min_tasks."
  }
}

variable "api_on_demand_base_tasks" {
  description = "Planner-owned: tasks always placed on FARGATE (never Spot); 0 <= base <= api_min_tasks."
  type        = number

  validation {
    condition     = var.api_on_demand_base_tasks == floor(var.api_on_demand_base_tasks) && var.api_on_demand_base_tasks >= 0 && var.api_on_demand_base_tasks <= var.api_min_tasks
    error_message = "api_on_demand_base_tasks must be a whole number between 0 and api_min_tasks."
  }
}

variable "api_spot_percent" {
  description = "Planner-owned: share (0-100) of the tasks above the on-demand base that run on FARGATE_SPOT."
  type        = number

  validation {
    condition     = var.api_spot_percent == floor(var.api_spot_percent) && var.api_spot_percent >= 0 && var.api_spot_percent <= 100
    error_message = "api_spot_percent must be a whole number between 0 and 100."
  }
}

variable "api_target_requests_per_task" {
  description = "Planner-owned: target-tracking target for ALBRequestCountPerTarget (requests per task per minute)."
  type        = number

  validation {
    condition     = var.api_target_requests_per_task > 0
    error_message = "api_target_requests_per_task must be > 0."
  }
}

variable "api_target_cpu_percent" {
  description = "Planner-owned: target-tracking target for ECSServiceAverageCPUUtilization, percent."
  type        = number

  validation {
    condition     = var.api_target_cpu_percent >= 10 && var.api_target_cpu_percent <= 90
    error_message = "api_target_cpu_percent must be between 10 and 90."
  }
}

variable "api_scale_out_cooldown_seconds" {
  description = "Planner-owned: target-tracking scale-out cooldown in seconds."
  type        = number

  validation {
    condition     = var.api_scale_out_cooldown_seconds >= 0 && var.api_scale_out_cooldown_seconds <= 3600
    error_message = "api_scale_out_cooldown_seconds must be between 0 and 3600."
  }
}

variable "api_scale_in_cooldown_seconds" {
  description = "Planner-owned: target-tracking scale-in cooldown in seconds."
  type        = number

  validation {
    condition     = var.api_scale_in_cooldown_seconds >= 0 && var.api_scale_in_cooldown_seconds <= 3600
    error_message = "api_scale_in_cooldown_seconds must be between 0 and 3600."
  }
}

variable "prescale_windows" {
  description = "Planner-owned: scheduled actions that raise the API's min capacity before kickoff and lower it after; crons are AWS cron(m h ? * DAY *) expressions in UTC."
  type = list(object({
    name            = string
    scale_up_cron   = string
    scale_down_cron = string
    min_tasks       = number
  }))

  validation {
    condition     = length(distinct([for w in var.prescale_windows : w.name])) == length(var.prescale_windows)
    error_message = "prescale_windows names must be unique."
  }

  validation {
    condition     = alltrue([for w in var.prescale_windows : w.min_tasks >= 1 && w.min_tasks == floor(w.min_tasks)])
    error_message = "prescale_windows min_tasks must be whole numbers >= 1."
  }

  validation {
    # Names become part of Application Auto Scaling action names.
    condition     = alltrue([for w in var.prescale_windows : can(regex("^[A-Za-z0-9_-]{1,64}$", w.name))])
    error_message = "prescale_windows names may only use letters, digits, '-' and '_' (max 64)."
  }

  validation {
    # Application Auto Scaling cron (six fields), in the weekly shape the
    # planner writes, which autoscaling.tf reads to keep the daily capacity
    # reset out of every window.
    condition = alltrue(flatten([for w in var.prescale_windows : [
      for c in [w.scale_up_cron, w.scale_down_cron] : can(regex(local.weekly_cron_pattern, c))
    ]]))
    error_message = "prescale_windows crons must be weekly AWS cron expressions cron(M H ? * DAY *), e.g. cron(30 18 ? * SAT *)."
  }
}

variable "delivery_mode" {
  description = "Planner-owned: how fans get updates (polling or sse), passed to the API as DELIVERY_MODE."
  type        = string

  validation {
    condition     = contains(["polling", "sse"], var.delivery_mode)
    error_message = "delivery_mode must be polling or sse."
  }
}

variable "poll_interval_seconds" {
  description = "Planner-owned: client poll interval in seconds, passed to the API as POLL_INTERVAL_SECONDS."
  type        = number

  validation {
    condition     = var.poll_interval_seconds >= 1 && var.poll_interval_seconds <= 60
    error_message = "poll_interval_seconds must be between 1 and 60."
  }
}

variable "sse_heartbeat_seconds" {
  description = "Planner-owned: SSE heartbeat in seconds, passed to the API as SSE_HEARTBEAT_SECONDS."
  type        = number

  validation {
    condition     = var.sse_heartbeat_seconds >= 1 && var.sse_heartbeat_seconds <= 300
    error_message = "sse_heartbeat_seconds must be between 1 and 300."
  }
}

variable "alb_idle_timeout_seconds" {
  description = "Planner-owned: ALB idle timeout in seconds; keep it above the SSE heartbeat."
  type        = number

  validation {
    condition     = var.alb_idle_timeout_seconds >= 1 && var.alb_idle_timeout_seconds <= 4000
    error_message = "alb_idle_timeout_seconds must be between 1 and 4000."
  }
}

variable "alb_deregistration_delay_seconds" {
  description = "Planner-owned: target group deregistration delay (connection draining on deploy and scale-in), seconds."
  type        = number

  validation {
    condition     = var.alb_deregistration_delay_seconds >= 0 && var.alb_deregistration_delay_seconds <= 3600
    error_message = "alb_deregistration_delay_seconds must be between 0 and 3600."
  }
}

variable "alb_load_balancing_algorithm" {
  description = "Planner-owned: target group routing algorithm, least_outstanding_requests or round_robin (src/model/alb.rs explains the choice)."
  type        = string

  validation {
    condition     = contains(["least_outstanding_requests", "round_robin"], var.alb_load_balancing_algorithm)
    error_message = "alb_load_balancing_algorithm must be least_outstanding_requests or round_robin."
  }
}

variable "alb_slow_start_seconds" {
  description = "Planner-owned: target group slow start for new targets, seconds (0 disables); only with round_robin."
  type        = number

  validation {
    condition     = var.alb_slow_start_seconds == 0 || (var.alb_slow_start_seconds >= 30 && var.alb_slow_start_seconds <= 900)
    error_message = "alb_slow_start_seconds must be 0 or between 30 and 900."
  }

  validation {
    # ELB rejects the pair: "You cannot enable both least outstanding
    # requests and slow start mode" (ALB user guide, Edit target group
    # attributes, Routing algorithm; the provider does not check it).
    condition     = var.alb_slow_start_seconds == 0 || var.alb_load_balancing_algorithm != "least_outstanding_requests"
    error_message = "alb_slow_start_seconds must be 0 with alb_load_balancing_algorithm = least_outstanding_requests: ELB cannot enable both least outstanding requests and slow start."
  }
}

variable "db_engine_version" {
  description = "Planner-owned: RDS for MySQL major version (parameter group family mysql<version>)."
  type        = string

  validation {
    # MySQL 8.0 left RDS standard support on 2026-07-31. The writer sets
    # engine_lifecycle_support = open-source-rds-extended-support-disabled
    # (rds.tf) so paid Extended Support is never entered silently, and RDS
    # does not create an engine version past standard support with Extended
    # Support disabled (RDS user guide, Amazon RDS Extended Support; MySQL
    # version management). 8.4 is supported until 2029-07-31.
    condition     = contains(["8.4"], var.db_engine_version)
    error_message = "db_engine_version must be \"8.4\": 8.0 is past RDS standard support (2026-07-31) and this stack never enrols in paid Extended Support."
  }
}

variable "db_instance_class" {
  description = "Planner-owned: RDS MySQL instance class for the writer and the read replicas."
  type        = string

  validation {
    condition     = can(regex("^db\\.(t4g|m6g|m7g|r6g|r7g)\\.", var.db_instance_class))
    error_message = "db_instance_class must be a db.t4g, db.m6g, db.m7g, db.r6g or db.r7g class."
  }
}

variable "db_multi_az" {
  description = "Planner-owned: run a Multi-AZ standby for the RDS writer."
  type        = bool
}

variable "db_allocated_storage_gb" {
  description = "Planner-owned: RDS gp3 allocated storage in GB."
  type        = number

  validation {
    condition     = var.db_allocated_storage_gb >= 20 && var.db_allocated_storage_gb <= 65536
    error_message = "db_allocated_storage_gb must be between 20 and 65536."
  }
}

variable "db_iops" {
  description = "Planner-owned: gp3 provisioned IOPS; 0 keeps the included baseline. Only settable at >= 400 GB, above the 12,000 included there."
  type        = number

  validation {
    # RDS gp3 for MySQL: below 400 GiB the volume has a fixed 3,000 IOPS
    # baseline and IOPS cannot be provisioned; from 400 GiB the baseline is
    # 12,000 IOPS and provisioned IOPS range from 12,000 to 64,000 (RDS user
    # guide, Amazon RDS DB instance storage, gp3 storage). A value such as
    # 3,000-11,999 at >= 400 GiB is rejected by CreateDBInstance.
    condition     = var.db_iops == 0 || (var.db_allocated_storage_gb >= 400 && var.db_iops >= 12000 && var.db_iops <= 64000)
    error_message = "db_iops must be 0, or 12000-64000 with db_allocated_storage_gb >= 400 (gp3 includes 3,000 IOPS below 400 GiB and 12,000 from 400 GiB)."
  }
}

variable "db_read_replica_count" {
  description = "Planner-owned: number of RDS MySQL read replicas."
  type        = number

  validation {
    condition     = var.db_read_replica_count == floor(var.db_read_replica_count) && var.db_read_replica_count >= 0 && var.db_read_replica_count <= 15
    error_message = "db_read_replica_count must be a whole number between 0 and 15."
  }
}

variable "db_backup_retention_days" {
  description = "Planner-owned: RDS automated backup retention in days."
  type        = number

  validation {
    condition     = var.db_backup_retention_days >= 1 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 1 and 35."
  }
}

variable "db_proxy_enabled" {
  description = "Planner-owned: put RDS Proxy (end-to-end IAM authentication) in front of the MySQL writer; the API connects through it (rds_proxy.tf)."
  type        = bool
}

variable "cache_engine" {
  description = "Planner-owned: ElastiCache engine, valkey or redis."
  type        = string

  validation {
    condition     = contains(["valkey", "redis"], var.cache_engine)
    error_message = "cache_engine must be valkey or redis."
  }
}

variable "cache_node_type" {
  description = "Planner-owned: ElastiCache node type."
  type        = string

  validation {
    condition     = can(regex("^cache\\.", var.cache_node_type))
    error_message = "cache_node_type must start with \"cache.\"."
  }
}

variable "cache_replicas" {
  description = "Planner-owned: ElastiCache replicas per shard (nodes = 1 + replicas); at least 1 in prod."
  type        = number

  validation {
    condition     = var.cache_replicas == floor(var.cache_replicas) && var.cache_replicas >= (var.environment == "prod" ? 1 : 0) && var.cache_replicas <= 5
    error_message = "cache_replicas must be a whole number between 0 and 5, and >= 1 when environment = prod."
  }
}

variable "cdn_price_class" {
  description = "Planner-owned: CloudFront price class."
  type        = string

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.cdn_price_class)
    error_message = "cdn_price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "cdn_live_ttl_seconds" {
  description = "Planner-owned: CloudFront micro-cache TTL in seconds for the live commentary feed (/api/*); 0 disables caching."
  type        = number

  validation {
    condition     = var.cdn_live_ttl_seconds >= 0 && var.cdn_live_ttl_seconds <= 60
    error_message = "cdn_live_ttl_seconds must be between 0 and 60."
  }
}

variable "cdn_origin_shield_enabled" {
  description = "Planner-owned: enable CloudFront Origin Shield (us-east-1) in front of the ALB."
  type        = bool
}

variable "assets_ia_after_days" {
  description = "Planner-owned: move game assets to STANDARD_IA after N days; 0 = never."
  type        = number

  validation {
    condition     = var.assets_ia_after_days == 0 || var.assets_ia_after_days >= 30
    error_message = "assets_ia_after_days must be 0 or >= 30."
  }
}

variable "commentary_hot_retention_days" {
  description = "Planner-owned: days commentary stays in MySQL before the archive job moves it to S3."
  type        = number

  validation {
    condition     = var.commentary_hot_retention_days >= 1 && var.commentary_hot_retention_days <= 3650
    error_message = "commentary_hot_retention_days must be between 1 and 3650."
  }
}

variable "archive_ia_after_days" {
  description = "Planner-owned: move archived commentary to STANDARD_IA after N days; 0 = never."
  type        = number

  validation {
    condition     = var.archive_ia_after_days == 0 || var.archive_ia_after_days >= 30
    error_message = "archive_ia_after_days must be 0 or >= 30."
  }
}

# S3 lifecycle transition rules (S3 user guide, Transitioning objects using
# Amazon S3 Lifecycle, Constraints and considerations for transitions; API
# reference, Transition): objects must stay 30 days in STANDARD before
# STANDARD_IA, and 30 days in STANDARD_IA before a Glacier class (Glacier
# classes themselves have no minimum age); after
# GLACIER_IR (90-day minimum storage) PutBucketLifecycleConfiguration rejects
# a DEEP_ARCHIVE transition less than 90 days later ("'Days' in the
# Transition action for StorageClass 'DEEP_ARCHIVE' ... must be 90 days more
# than ... 'GLACIER_IR'"). src/model/validate.rs applies the same rules.
variable "archive_glacier_ir_after_days" {
  description = "Planner-owned: move archived commentary to GLACIER_IR after N days; 0 = never."
  type        = number

  validation {
    # S3 sets no minimum age for a Glacier-class transition (S3 user guide,
    # lifecycle transition considerations): any whole number of days works.
    condition     = var.archive_glacier_ir_after_days >= 0 && floor(var.archive_glacier_ir_after_days) == var.archive_glacier_ir_after_days
    error_message = "archive_glacier_ir_after_days must be a whole number of days, 0 = never."
  }

  validation {
    condition     = var.archive_glacier_ir_after_days == 0 || var.archive_ia_after_days == 0 || var.archive_glacier_ir_after_days >= var.archive_ia_after_days + 30
    error_message = "archive_glacier_ir_after_days must be at least 30 days after archive_ia_after_days (objects stay 30 days in STANDARD_IA)."
  }
}

variable "archive_deep_archive_after_days" {
  description = "Planner-owned: move archived commentary to DEEP_ARCHIVE after N days; 0 = never."
  type        = number

  validation {
    # No minimum age for DEEP_ARCHIVE either; only the gaps below apply.
    condition     = var.archive_deep_archive_after_days >= 0 && floor(var.archive_deep_archive_after_days) == var.archive_deep_archive_after_days
    error_message = "archive_deep_archive_after_days must be a whole number of days, 0 = never."
  }

  validation {
    condition     = var.archive_deep_archive_after_days == 0 || var.archive_ia_after_days == 0 || var.archive_deep_archive_after_days >= var.archive_ia_after_days + 30
    error_message = "archive_deep_archive_after_days must be at least 30 days after archive_ia_after_days (objects stay 30 days in STANDARD_IA)."
  }

  validation {
    condition     = var.archive_deep_archive_after_days == 0 || var.archive_glacier_ir_after_days == 0 || var.archive_deep_archive_after_days >= var.archive_glacier_ir_after_days + 90
    error_message = "archive_deep_archive_after_days must be at least 90 days after archive_glacier_ir_after_days (S3 rejects DEEP_ARCHIVE less than 90 days after GLACIER_IR)."
  }
}

variable "backup_schedule_expression" {
  description = "Planner-owned: EventBridge Scheduler expression, cron(...) or rate(...), for the logical backup job to S3."
  type        = string

  validation {
    condition     = can(regex("^(cron\\(\\S+ \\S+ \\S+ \\S+ \\S+ \\S+\\)|rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\))$", var.backup_schedule_expression))
    error_message = "backup_schedule_expression must be cron(m h dom mon dow year) or rate(N unit)."
  }

  validation {
    # The backup-age alarm (jobs.tf) looks back over the interval plus an
    # hour, in 1-hour periods; PutMetricAlarm refuses an evaluation range
    # (period x evaluation periods) above 7 days (CloudWatch API reference,
    # PutMetricAlarm, Period).
    # (locals.tf backup_alarm_hours: interval + 1 <= 168 hours.)
    condition = alltrue([
      for m in regexall("^rate\\(([0-9]+) (hour|hours|day|days)\\)$", var.backup_schedule_expression) :
      tonumber(m[0]) * (startswith(m[1], "day") ? 24 : 1) + 1 <= 168
    ])
    error_message = "backup_schedule_expression must run at least every 167 hours: the backup-age alarm cannot look back more than 7 days."
  }
}

variable "backup_s3_retention_days" {
  description = "Planner-owned: expire logical backups in the backups bucket after N days."
  type        = number

  validation {
    condition     = var.backup_s3_retention_days >= 1 && var.backup_s3_retention_days <= 3650
    error_message = "backup_s3_retention_days must be between 1 and 3650."
  }
}

variable "backup_glacier_after_days" {
  description = "Planner-owned: move backups to GLACIER_IR after N days; 0 = never."
  type        = number

  validation {
    # No minimum age for GLACIER_IR (S3 user guide, as above).
    condition     = var.backup_glacier_after_days >= 0 && floor(var.backup_glacier_after_days) == var.backup_glacier_after_days
    error_message = "backup_glacier_after_days must be a whole number of days, 0 = never."
  }

  validation {
    # S3 rejects an expiration on or before a transition of the same rule
    # ("'Days' in the Expiration action ... must be greater than 'Days' in
    # the Transition action"; S3 user guide, lifecycle configuration
    # elements).
    condition     = var.backup_glacier_after_days == 0 || var.backup_glacier_after_days < var.backup_s3_retention_days
    error_message = "backup_glacier_after_days must be 0 or below backup_s3_retention_days."
  }
}

variable "noncurrent_version_expiry_days" {
  description = "Planner-owned: delete noncurrent S3 object versions after N days."
  type        = number

  validation {
    condition     = var.noncurrent_version_expiry_days >= 1 && var.noncurrent_version_expiry_days <= 365
    error_message = "noncurrent_version_expiry_days must be between 1 and 365."
  }
}

variable "log_retention_days" {
  description = "Planner-owned: CloudWatch Logs retention in days (a value CloudWatch accepts; 0 = never expire)."
  type        = number

  validation {
    condition     = contains(local.cloudwatch_retention_days, var.log_retention_days)
    error_message = "log_retention_days must be one of 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "monthly_budget_usd" {
  description = "Planner-owned: monthly AWS Budgets alert threshold in USD; 0 = no budget."
  type        = number

  validation {
    condition     = var.monthly_budget_usd >= 0
    error_message = "monthly_budget_usd must be >= 0."
  }
}

# ---------------------------------------------------------------------------
# Team-owned: identity, domain, images, alerting. Never written by the planner.
# ---------------------------------------------------------------------------

variable "project" {
  description = "Project name, the prefix of every resource name and the Project tag."
  type        = string
  default     = "kickoff"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*[a-z0-9]$", var.project))
    error_message = "project must be lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen."
  }

  validation {
    # The longest names built from it are the ALB and its target group,
    # <project>-<environment>-api: ELB allows at most 32 characters
    # (ELB API reference, CreateLoadBalancer Name, CreateTargetGroup Name).
    # With "staging" that leaves 20 for the project.
    condition     = length("${var.project}-${var.environment}-api") <= 32
    error_message = "project is too long: \"<project>-<environment>-api\" names the ALB and target group, which ELB limits to 32 characters (at most 20 for the project with staging)."
  }
}

variable "aws_region" {
  description = "AWS region. us-east-1 also hosts the CloudFront certificate, so keep it unless you add an aliased provider."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = var.aws_region == "us-east-1"
    error_message = "This configuration assumes us-east-1 (CloudFront ACM certificates, Origin Shield region)."
  }
}

variable "github_repository" {
  description = "GitHub repository as owner/name: the runbook links in alarm descriptions and the Repository tag. Set in environments/<env>.team.tfvars; the deploy workflow checks it is the repository it runs in."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "root_domain" {
  description = "Public Route 53 hosted zone (must already exist). prod serves at the apex, other environments at <environment>.<root_domain>. Set in environments/<env>.team.tfvars."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]+[a-z0-9]$", var.root_domain))
    error_message = "root_domain must be a lowercase DNS name without trailing dot."
  }
}

variable "vpc_cidr" {
  description = "VPC IPv4 CIDR; /16 leaves room for /20 public and private subnets in three AZs."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be a valid IPv4 CIDR of /20 or larger."
  }
}

variable "availability_zone_ids" {
  description = "Zone IDs the VPC may use, in preference order; the first az_count available ones are used. Defaults avoid use1-az3 (older, constrained capacity)."
  type        = list(string)
  default     = ["use1-az1", "use1-az2", "use1-az4"]

  validation {
    condition     = length(var.availability_zone_ids) >= 3 && alltrue([for id in var.availability_zone_ids : can(regex("^use1-az[0-9]+$", id))])
    error_message = "availability_zone_ids must list at least 3 us-east-1 zone IDs (use1-azN)."
  }
}

# Images are pinned by digest, never by tag: what runs (and what a rollback
# returns to) cannot change underneath. There are no defaults, so a first
# apply cannot point at an image that does not exist: push the first images
# (docs/deploying-from-scratch.md), then pass them. The deploy workflow passes
# a deploy's input or the digests running now (`terraform output images`).
variable "api_image" {
  description = "Container image of the commentary API, <registry>/<repository>@sha256:<digest> (bootstrap's ECR repository <project>/api)."
  type        = string

  validation {
    condition     = can(regex(local.image_by_digest_pattern, var.api_image))
    error_message = "api_image must be pinned by digest: <registry>/<repository>@sha256:<64 hex digits>."
  }
}

variable "backup_image" {
  description = "Container image of the logical MySQL backup job (mysqldump | gzip | aws s3 cp, then the success metric), pinned by digest."
  type        = string

  validation {
    condition     = can(regex(local.image_by_digest_pattern, var.backup_image))
    error_message = "backup_image must be pinned by digest: <registry>/<repository>@sha256:<64 hex digits>."
  }
}

variable "archive_image" {
  description = "Container image of the commentary archive job, pinned by digest."
  type        = string

  validation {
    condition     = can(regex(local.image_by_digest_pattern, var.archive_image))
    error_message = "archive_image must be pinned by digest: <registry>/<repository>@sha256:<64 hex digits>."
  }
}

variable "api_container_port" {
  description = "Port the API container listens on."
  type        = number
  default     = 8080

  validation {
    condition     = var.api_container_port >= 1024 && var.api_container_port <= 65535
    error_message = "api_container_port must be an unprivileged port (1024-65535)."
  }
}

variable "api_health_check_path" {
  description = "HTTP path the ALB health check requests; must answer 200 without touching MySQL."
  type        = string
  default     = "/healthz"

  validation {
    condition     = startswith(var.api_health_check_path, "/")
    error_message = "api_health_check_path must start with '/'."
  }
}

variable "api_environment" {
  description = "Extra non-secret environment variables for the API container. Secrets go through Secrets Manager, never here."
  type        = map(string)
  default     = {}
}

variable "archive_schedule_expression" {
  description = "EventBridge Scheduler expression for the daily commentary archive job (UTC)."
  type        = string
  default     = "cron(30 4 * * ? *)"
}

variable "alarm_email" {
  description = "E-mail subscribed to the alarm SNS topic (confirm the subscription by mail). Set in environments/<env>.team.tfvars; empty = no subscription (refused for prod by a precondition in monitoring.tf)."
  type        = string
  default     = ""

  # SNS rejects a malformed email endpoint only at apply (Subscribe,
  # InvalidParameter); catch it at plan. One @, no spaces, a dot in the domain.
  validation {
    condition     = var.alarm_email == "" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an e-mail address (name@domain.tld) or empty."
  }
}

variable "access_log_retention_days" {
  description = "Days ALB, CloudFront and S3 access logs are kept in the logs bucket."
  type        = number
  default     = 90

  validation {
    condition     = var.access_log_retention_days >= 1
    error_message = "access_log_retention_days must be >= 1."
  }
}

variable "db_name" {
  description = "Initial MySQL schema name."
  type        = string
  default     = "kickoff"
}

variable "alarm_api_p95_latency_seconds" {
  description = "Alarm threshold for the target p95 response time, seconds (fans expect updates within 2-3 s)."
  type        = number
  default     = 1
}

variable "db_master_password_version" {
  description = "Version of the RDS master password. The password is generated at apply time (ephemeral, never in state or plans) and written to RDS and to the secret <project>-<environment>/db/master only when this number changes: bump it to rotate (docs/data-management.md)."
  type        = number
  default     = 1

  validation {
    condition     = var.db_master_password_version >= 1 && var.db_master_password_version == floor(var.db_master_password_version)
    error_message = "db_master_password_version must be a whole number >= 1."
  }
}

# RDS Proxy connection settings (rds_proxy.tf explains the defaults). Ranges:
# RDS API reference, DBProxy IdleClientTimeout ("Constraints: 1 to 28,800",
# default 1,800) and ConnectionPoolConfiguration ConnectionBorrowTimeout
# (0 to 3,600 seconds, default 120).
variable "db_proxy_idle_client_timeout_seconds" {
  description = "Seconds a client connection to RDS Proxy may stay idle before the proxy closes it (1-28800; AWS default 1800). Only with db_proxy_enabled."
  type        = number
  default     = 1800

  validation {
    condition     = var.db_proxy_idle_client_timeout_seconds == floor(var.db_proxy_idle_client_timeout_seconds) && var.db_proxy_idle_client_timeout_seconds >= 1 && var.db_proxy_idle_client_timeout_seconds <= 28800
    error_message = "db_proxy_idle_client_timeout_seconds must be a whole number of seconds between 1 and 28800 (RDS API reference, DBProxy IdleClientTimeout)."
  }
}

variable "db_proxy_connection_borrow_timeout_seconds" {
  description = "Seconds a request waits for a pooled connection from RDS Proxy when all are busy before it fails (0-3600, 0 = no limit); keep it at the API's request timeout (scenario app.request_timeout_s, 5 s). Only with db_proxy_enabled."
  type        = number
  default     = 5

  validation {
    condition     = var.db_proxy_connection_borrow_timeout_seconds == floor(var.db_proxy_connection_borrow_timeout_seconds) && var.db_proxy_connection_borrow_timeout_seconds >= 0 && var.db_proxy_connection_borrow_timeout_seconds <= 3600
    error_message = "db_proxy_connection_borrow_timeout_seconds must be a whole number of seconds between 0 and 3600 (RDS API reference, ConnectionPoolConfiguration ConnectionBorrowTimeout)."
  }
}

variable "capacity_reset_cron" {
  description = "Daily time (UTC) at which the API's autoscaling min/max return to api_min_tasks/api_max_tasks, so a change of those reaches AWS without an apply ever touching a pre-scaled window. cron(M H * * ? *); must fall outside every prescale window."
  type        = string
  default     = "cron(0 6 * * ? *)"

  validation {
    condition     = can(regex("^cron\\(([0-9]|[1-5][0-9]) ([0-9]|1[0-9]|2[0-3]) \\* \\* \\? \\*\\)$", var.capacity_reset_cron))
    error_message = "capacity_reset_cron must be a daily cron(M H * * ? *) in UTC, e.g. cron(0 6 * * ? *)."
  }
}
