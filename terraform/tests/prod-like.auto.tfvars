# Production-like planner output, shared by every run of every test file in
# this directory (terraform test loads *.auto.tfvars from the test directory;
# a run's own `variables` block overrides a value). Values an assert reads are
# kept distinct from each other (and from the hard-coded job sizes), so an
# assert fails if two wirings are swapped.
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
alb_load_balancing_algorithm     = "least_outstanding_requests"
alb_slow_start_seconds           = 0
db_engine_version                = "8.4"
db_instance_class                = "db.m7g.large"
db_multi_az                      = true
db_allocated_storage_gb          = 100
db_iops                          = 0
db_read_replica_count            = 1
db_backup_retention_days         = 14
db_proxy_enabled                 = false
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

# Team-owned (environments/<env>.team.tfvars and the deploy's images).
github_repository = "kickoff-live/kickoff"
root_domain       = "kickoff.example.com"
alarm_email       = "oncall@kickoff.example.com"
api_image         = "123456789012.dkr.ecr.us-east-1.amazonaws.com/kickoff/api@sha256:1111111111111111111111111111111111111111111111111111111111111111"
backup_image      = "123456789012.dkr.ecr.us-east-1.amazonaws.com/kickoff/backup@sha256:2222222222222222222222222222222222222222222222222222222222222222"
archive_image     = "123456789012.dkr.ecr.us-east-1.amazonaws.com/kickoff/archive@sha256:3333333333333333333333333333333333333333333333333333333333333333"
