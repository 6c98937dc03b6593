data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

# Pinned by zone ID (the same physical zones in every account), so a new AZ
# never silently changes where subnets go.
data "aws_availability_zones" "available" {
  state = "available"

  filter {
    name   = "zone-id"
    values = var.availability_zone_ids
  }
}

locals {
  name       = "${var.project}-${var.environment}"
  is_prod    = var.environment == "prod"
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  azs = slice(data.aws_availability_zones.available.names, 0, var.az_count)

  # Public /20s from the bottom of the VPC, private /20s from the middle.
  public_subnet_cidrs  = [for i in range(var.az_count) : cidrsubnet(var.vpc_cidr, 4, i)]
  private_subnet_cidrs = [for i in range(var.az_count) : cidrsubnet(var.vpc_cidr, 4, 8 + i)]

  # Egress (docs/tfvars-contract.md: egress_mode).
  nat_gateway_count   = var.egress_mode == "nat_per_az" ? var.az_count : (var.egress_mode == "single_nat" ? 1 : 0)
  use_vpc_endpoints   = var.egress_mode == "vpc_endpoints"
  tasks_in_public     = var.egress_mode == "public_subnets"
  task_subnet_ids     = local.tasks_in_public ? aws_subnet.public[*].id : aws_subnet.private[*].id
  interface_endpoints = local.use_vpc_endpoints ? toset(["ecr.api", "ecr.dkr", "logs", "secretsmanager", "sts"]) : toset([])

  # Domains: prod at the apex of the zone, other environments below it.
  # origin.<app> is an alias to the internal ALB: CloudFront reaches it
  # through the VPC origin (cdn.tf) over HTTPS, and the ALB certificate
  # covers that name.
  app_domain    = local.is_prod ? var.root_domain : "${var.environment}.${var.root_domain}"
  origin_domain = "origin.${local.app_domain}"
  planner_url   = "https://${local.app_domain}/planner/"

  # Images, pinned by digest (variables.tf). The ECR repositories are the
  # bootstrap root's (terraform/bootstrap), shared by every environment, so
  # staging and prod run the same digest.
  images = {
    api     = var.api_image
    backup  = var.backup_image
    archive = var.archive_image
  }
  ecr_repository_arns = [for r in ["api", "backup", "archive"] : "arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/${var.project}/${r}"]

  # Capacity provider strategy: the base always on FARGATE; above it
  # api_spot_percent of the tasks go to FARGATE_SPOT.
  api_capacity_providers = concat(
    [{ provider = "FARGATE", base = var.api_on_demand_base_tasks, weight = 100 - var.api_spot_percent }],
    var.api_spot_percent > 0 ? [{ provider = "FARGATE_SPOT", base = 0, weight = var.api_spot_percent }] : [],
  )

  # ElastiCache engine versions and parameter group families.
  cache_engine_settings = {
    valkey = { version = "8.0", family = "valkey8" }
    redis  = { version = "7.1", family = "redis7" }
  }
  cache_num_nodes = 1 + var.cache_replicas
  cache_ha        = var.cache_replicas >= 1

  # Performance Insights is not offered on the smallest burstable classes.
  db_performance_insights = !contains(["db.t4g.micro", "db.t4g.small"], var.db_instance_class)

  # Approximate RDS MySQL max_connections (DBInstanceClassMemory / 12582880)
  # for the connections alarm; the planner uses the same formula
  # (docs/capacity-model.md, RDS MySQL: max_connections; class memory in
  # src/model/catalog.rs).
  db_size            = split(".", var.db_instance_class)[2]
  db_family          = split(".", var.db_instance_class)[1]
  db_size_memory_gib = { micro = 1, small = 2, medium = 4, large = 8, xlarge = 16, "2xlarge" = 32, "4xlarge" = 64, "8xlarge" = 128, "12xlarge" = 192, "16xlarge" = 256 }
  db_memory_gib      = lookup(local.db_size_memory_gib, local.db_size, 8) * (startswith(local.db_family, "r") ? 2 : 1)
  db_max_connections = floor(local.db_memory_gib * 1073741824 / 12582880)

  runbook_base_url = "https://github.com/${var.github_repository}/blob/main/docs/runbooks"
}

# Lookup tables and patterns used by variable validations (variables.tf).
locals {
  # <registry>/<repository>@sha256:<digest>; the repository may have a path.
  image_by_digest_pattern = "^[a-z0-9][a-z0-9.-]*(:[0-9]+)?/[a-z0-9][a-z0-9._/-]*@sha256:[0-9a-f]{64}$"

  # cron(M H ? * DAY *): the weekly shape of the planner's prescale windows.
  weekly_cron_pattern = "^cron\\(([0-9]|[1-5][0-9]) ([0-9]|1[0-9]|2[0-3]) \\? \\* (MON|TUE|WED|THU|FRI|SAT|SUN) \\*\\)$"

  # Hours between logical backups: rate(N hours|days), or a daily cron.
  backup_rate = regexall("^rate\\(([0-9]+) (hour|hours|day|days|minute|minutes)\\)$", var.backup_schedule_expression)
  backup_interval_hours = (length(local.backup_rate) == 0 ? 24 : (
    startswith(local.backup_rate[0][1], "day") ? tonumber(local.backup_rate[0][0]) * 24 : (
      startswith(local.backup_rate[0][1], "hour") ? tonumber(local.backup_rate[0][0]) : ceil(tonumber(local.backup_rate[0][0]) / 60)
  )))
  # The backup-age alarm fires when no backup succeeded for one interval plus
  # an hour (the 15-minute flexible window and the dump itself).
  backup_alarm_hours = local.backup_interval_hours + 1

  # Fargate task sizes: cpu units => valid memory values in MiB.
  # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
  fargate_memory_by_cpu = {
    "256"   = [512, 1024, 2048]
    "512"   = [for gib in range(1, 5) : gib * 1024]
    "1024"  = [for gib in range(2, 9) : gib * 1024]
    "2048"  = [for gib in range(4, 17) : gib * 1024]
    "4096"  = [for gib in range(8, 31) : gib * 1024]
    "8192"  = [for gib in range(16, 61, 4) : gib * 1024]
    "16384" = [for gib in range(32, 121, 8) : gib * 1024]
  }

  # Retention values CloudWatch Logs accepts (0 = never expire).
  cloudwatch_retention_days = [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]
}
