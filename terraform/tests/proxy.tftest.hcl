# RDS Proxy (rds_proxy.tf): created only with db_proxy_enabled, end-to-end
# IAM (no secret), the API pointed at it; and the AWS rules the offline
# provider cannot check, each proved to fire. Against the offline stand-in,
# as plan.tftest.hcl (same prod-like.auto.tfvars; db_proxy_enabled = false
# there).

# Applied first, so plans below compare values known only after apply
# (endpoints, resource ids).
run "apply_without_proxy" {
  command = apply
}

run "no_proxy_without_the_flag" {
  command = plan

  assert {
    condition = (
      length(aws_db_proxy.main) == 0 && length(aws_db_proxy_default_target_group.main) == 0 &&
      length(aws_db_proxy_target.writer) == 0 && length(aws_iam_role.db_proxy) == 0 &&
      length(data.aws_iam_policy_document.db_proxy) == 0 &&
      length(aws_security_group.db_proxy) == 0 && length(aws_vpc_security_group_ingress_rule.db_from_proxy) == 0 &&
      length(aws_vpc_security_group_egress_rule.api_to_db_proxy) == 0
    )
    error_message = "db_proxy_enabled = false creates no proxy, target, role or security group."
  }

  assert {
    condition     = local.api_environment["DB_HOST"] == aws_db_instance.main.address && output.db_proxy_endpoint == null
    error_message = "Without the proxy the API connects to the writer's own endpoint."
  }

  assert {
    condition     = !strcontains(data.aws_iam_policy_document.api_task.json, "ConnectThroughRdsProxyAsApi")
    error_message = "Without the proxy the API role has no proxy grant."
  }
}

# Applied, so the proxy's endpoint and ARN (known after apply) reach the
# API's environment and policy in the plan that follows.
run "apply_with_proxy" {
  command = apply

  variables {
    db_proxy_enabled = true
  }
}

run "proxy_in_front_of_the_writer" {
  command = plan

  variables {
    db_proxy_enabled = true
  }

  assert {
    condition = (
      aws_db_proxy.main[0].engine_family == "MYSQL" &&
      aws_db_proxy.main[0].name == "kickoff-prod" &&
      aws_db_proxy.main[0].require_tls == true &&
      aws_db_proxy.main[0].debug_logging == false &&
      aws_db_proxy.main[0].idle_client_timeout == 1800
    )
    error_message = "A MySQL proxy named after the environment, TLS required, no debug logging, the default idle client timeout."
  }

  # End-to-end IAM: no stored secret anywhere on the proxy.
  assert {
    condition     = aws_db_proxy.main[0].default_auth_scheme == "IAM_AUTH" && length(aws_db_proxy.main[0].auth) == 0
    error_message = "The proxy authenticates clients and itself with IAM (default_auth_scheme = IAM_AUTH) and holds no Secrets Manager secret (no auth block)."
  }

  assert {
    condition     = toset(aws_db_proxy.main[0].vpc_subnet_ids) == toset(aws_subnet.private[*].id) && length(aws_db_proxy.main[0].vpc_subnet_ids) == 2
    error_message = "The proxy lives in the private (DB) subnets, one per AZ."
  }

  assert {
    condition = (
      aws_db_proxy_target.writer[0].db_instance_identifier == "kickoff-prod" &&
      aws_db_proxy_target.writer[0].db_proxy_name == "kickoff-prod" &&
      one(aws_db_proxy_default_target_group.main[0].connection_pool_config).max_connections_percent == 100 &&
      one(aws_db_proxy_default_target_group.main[0].connection_pool_config).connection_borrow_timeout == 5
    )
    error_message = "The writer is the proxy's only target; its pool may use 100 % of max_connections (the planner's model) and a request waits at most 5 s for a connection."
  }

  assert {
    condition     = local.api_environment["DB_HOST"] == aws_db_proxy.main[0].endpoint && output.db_proxy_endpoint == aws_db_proxy.main[0].endpoint
    error_message = "With the proxy the API's DB_HOST is the proxy endpoint."
  }

  assert {
    condition     = local.api_environment["DB_READER_HOSTS"] == join(",", aws_db_instance.replica[*].address)
    error_message = "Reads on replicas keep going to the replicas directly."
  }

  # The proxy's role may connect to the writer as kickoff_api and nothing else.
  assert {
    condition = (
      one(jsondecode(data.aws_iam_policy_document.db_proxy[0].json).Statement).Resource ==
      "arn:aws:rds-db:us-east-1:123456789012:dbuser:${aws_db_instance.main.resource_id}/kickoff_api" &&
      one(jsondecode(data.aws_iam_policy_document.db_proxy[0].json).Statement).Action == "rds-db:connect" &&
      strcontains(aws_iam_role.db_proxy[0].assume_role_policy, "rds.amazonaws.com")
    )
    error_message = "The proxy role (trusted by rds.amazonaws.com) may only rds-db:connect to the writer as kickoff_api."
  }

  assert {
    condition = (
      one([for st in jsondecode(data.aws_iam_policy_document.api_task.json).Statement : st.Resource if st.Sid == "ConnectThroughRdsProxyAsApi"]) ==
      "arn:aws:rds-db:us-east-1:123456789012:dbuser:${element(split(":", aws_db_proxy.main[0].arn), 6)}/kickoff_api"
    )
    error_message = "The API role may connect through the proxy (its prx- resource id) as kickoff_api."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.db_proxy_from_api[0].referenced_security_group_id == aws_security_group.api.id &&
      aws_vpc_security_group_egress_rule.api_to_db_proxy[0].referenced_security_group_id == aws_security_group.db_proxy[0].id &&
      aws_vpc_security_group_egress_rule.db_proxy_to_db[0].referenced_security_group_id == aws_security_group.db.id &&
      aws_vpc_security_group_ingress_rule.db_from_proxy[0].security_group_id == aws_security_group.db.id &&
      alltrue([for r in [aws_vpc_security_group_ingress_rule.db_proxy_from_api[0], aws_vpc_security_group_egress_rule.db_proxy_to_db[0], aws_vpc_security_group_ingress_rule.db_from_proxy[0]] : r.from_port == 3306 && r.to_port == 3306])
    )
    error_message = "MySQL only, chained: API tasks -> proxy -> writer."
  }
}

# --- AWS rules the stand-in cannot check ----------------------------------

# RDS API reference, DBProxy IdleClientTimeout: 1 to 28,800 seconds.
run "rejects_an_idle_client_timeout_above_8_hours" {
  command = plan

  variables {
    db_proxy_enabled                     = true
    db_proxy_idle_client_timeout_seconds = 28801
  }

  expect_failures = [var.db_proxy_idle_client_timeout_seconds]
}

# RDS API reference, ConnectionPoolConfiguration ConnectionBorrowTimeout:
# 0 to 3,600 seconds.
run "rejects_a_borrow_timeout_above_an_hour" {
  command = plan

  variables {
    db_proxy_enabled                           = true
    db_proxy_connection_borrow_timeout_seconds = 3601
  }

  expect_failures = [var.db_proxy_connection_borrow_timeout_seconds]
}

# RDS API reference, CreateDBProxy DBProxyName: no two consecutive hyphens
# (which var.project allows).
run "rejects_a_proxy_name_with_two_consecutive_hyphens" {
  command = plan

  variables {
    db_proxy_enabled = true
    project          = "kick--off"
  }

  expect_failures = [aws_db_proxy.main]
}

# RDS user guide, Setting up network prerequisites for RDS Proxy: subnets in
# at least two AZs. The zone list is forced to one zone twice, as a region
# with a single available zone from availability_zone_ids would give.
run "rejects_a_proxy_in_one_availability_zone" {
  command = plan

  variables {
    db_proxy_enabled = true
  }

  override_data {
    target = data.aws_availability_zones.available
    values = {
      names    = ["us-east-1a", "us-east-1a", "us-east-1a"]
      zone_ids = ["use1-az1", "use1-az1", "use1-az1"]
    }
  }

  expect_failures = [aws_db_proxy.main]
}
