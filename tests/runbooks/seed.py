"""Seed the local AWS mock with what `terraform plan` says an environment has.

Every name comes from the plan JSON (`.ci/terraform.sh plan-json`), so the
runbook test fails when a doc names a resource Terraform does not create.
Values the plan leaves unknown (ARNs, IDs) are whatever the mock assigns.
The few things no plan contains (running tasks, a log line, a dump in the
backups bucket, an alarm in ALARM) are added so the docs' pipelines have
something to pass along; each is marked below.
"""

import gzip
import json
import re
import time

import boto3

REGION = "us-east-1"


def resources(plan):
    """(type, address, values) of every planned managed resource."""
    out = []

    def walk(module):
        for r in module.get("resources", []):
            if r["mode"] == "managed":
                out.append((r["type"], r["address"], r.get("values", {})))
        for child in module.get("child_modules", []):
            walk(child)

    walk(plan["planned_values"]["root_module"])
    return out


def of_type(plan, kind):
    return [v for t, _, v in resources(plan) if t == kind]


def seed(plan, endpoint):
    def client(service):
        return boto3.client(service, region_name=REGION, endpoint_url=endpoint,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    ec2, elb, ecs = client("ec2"), client("elbv2"), client("ecs")
    rds, cw, logs, s3 = client("rds"), client("cloudwatch"), client("logs"), client("s3")

    # --- Network: the VPC, two private and two public subnets, named groups.
    vpc = ec2.create_vpc(CidrBlock=of_type(plan, "aws_vpc")[0]["cidr_block"])["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})  # as network.tf; moto's tasks need it
    # Public subnets first, then private, named as network.tf names them.
    planned = sorted(of_type(plan, "aws_subnet"), key=lambda s: (s["tags"]["Tier"] != "public", s["cidr_block"]))
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=s["cidr_block"], AvailabilityZone=s["availability_zone"],
                          TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": k, "Value": v} for k, v in s["tags"].items()]}])["Subnet"]["SubnetId"]
        for s in planned
    ]
    groups = {}
    for g in of_type(plan, "aws_security_group"):
        groups[g["name"]] = ec2.create_security_group(GroupName=g["name"], Description=g["description"], VpcId=vpc)["GroupId"]

    # --- Load balancer and target group, two registered targets.
    tg_arns = {}
    for lb in of_type(plan, "aws_lb"):
        elb.create_load_balancer(Name=lb["name"], Subnets=subnets[:2], SecurityGroups=list(groups.values())[:1])
    for tg in of_type(plan, "aws_lb_target_group"):
        arn = elb.create_target_group(
            Name=tg["name"], Protocol=tg.get("protocol") or "HTTP", Port=tg.get("port") or 8080, VpcId=vpc, TargetType="ip"
        )["TargetGroups"][0]["TargetGroupArn"]
        tg_arns[tg["name"]] = arn
        elb.register_targets(TargetGroupArn=arn, Targets=[{"Id": "10.40.128.37"}, {"Id": "10.40.144.12"}])
    # The HTTPS listener forwarding to the target group, with the planned
    # certificate (its ARN is unknown until apply: the mock issues one).
    lb_arns = [lb["LoadBalancerArn"] for lb in elb.describe_load_balancers()["LoadBalancers"]]
    certificates = [client("acm").request_certificate(DomainName=c["domain_name"])["CertificateArn"]
                    for c in of_type(plan, "aws_acm_certificate")]
    for listener in of_type(plan, "aws_lb_listener"):
        elb.create_listener(
            LoadBalancerArn=lb_arns[0], Protocol=listener["protocol"], Port=listener["port"],
            SslPolicy=listener.get("ssl_policy"), Certificates=[{"CertificateArn": certificates[0]}],
            DefaultActions=[{"Type": "forward", "TargetGroupArn": next(iter(tg_arns.values()))}],
        )

    # --- ECS: cluster, task definitions (the API's twice: a previous revision
    # to roll back to), the service, and tasks.
    for c in of_type(plan, "aws_ecs_cluster"):
        ecs.create_cluster(clusterName=c["name"])
    cluster = of_type(plan, "aws_ecs_cluster")[0]["name"]
    families = {}
    for td in of_type(plan, "aws_ecs_task_definition"):
        containers = json.loads(td["container_definitions"]) if td.get("container_definitions") else []
        name = td["family"].rsplit("-", 1)[-1]
        if not containers:  # unknown until apply (they name endpoints): the image from its variable
            image = plan["variables"].get(f"{name}_image", {}).get("value") or f"{td['family']}:mock"
            containers = [{"name": name, "image": image, "essential": True}]
        for c in containers:
            c.setdefault("image", f"{td['family']}:mock")
            c.setdefault("memory", int(td["memory"]))  # moto's RunTask needs it per container
        # The API twice: an older revision that ran the previous image (not in
        # a plan: what a rollback goes back to), then the planned one.
        previous = [dict(c, image=re.sub(r"@sha256:[0-9a-f]{64}$", "@sha256:" + "7" * 64, c["image"])) for c in containers]
        assert name != "api" or previous != containers, "the API image is not pinned by digest"
        for revision in ([previous, containers] if name == "api" else [containers]):
            arn = ecs.register_task_definition(
                family=td["family"],
                containerDefinitions=revision,
                requiresCompatibilities=["FARGATE"],
                networkMode="awsvpc",
                cpu=str(td["cpu"]),
                memory=str(td["memory"]),
            )["taskDefinition"]["taskDefinitionArn"]
        families[name] = arn
    network = {"awsvpcConfiguration": {"subnets": subnets[2:], "securityGroups": list(groups.values())[:1]}}
    for svc in of_type(plan, "aws_ecs_service"):
        ecs.create_service(
            cluster=cluster,
            serviceName=svc["name"],
            taskDefinition=families["api"],
            desiredCount=2,
            launchType="FARGATE",
            networkConfiguration=network,
            loadBalancers=[{"targetGroupArn": next(iter(tg_arns.values())), "containerName": "api", "containerPort": 8080}],
            deploymentConfiguration={
                "minimumHealthyPercent": svc["deployment_minimum_healthy_percent"],
                "maximumPercent": svc["deployment_maximum_percent"],
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            },
        )
    # Not in a plan: two running API tasks and one stopped (OOM-killed) one.
    api_tasks = ecs.run_task(
        cluster=cluster, taskDefinition=families["api"], count=3, launchType="FARGATE", group="service:api",
        startedBy="ecs-svc/1", networkConfiguration=network,
    )["tasks"]
    ecs.stop_task(cluster=cluster, task=api_tasks[0]["taskArn"], reason="OutOfMemoryError: container killed")
    # Not in a plan: a backup run that failed (stopped, exit code 1) and one
    # running during a match.
    failed_backup = None
    if "backup" in families:
        failed_backup = ecs.run_task(cluster=cluster, taskDefinition=families["backup"], count=1, launchType="FARGATE",
                                     group=f"family:{cluster}-backup", networkConfiguration=network)["tasks"][0]
        ecs.stop_task(cluster=cluster, task=failed_backup["taskArn"], reason="Essential container in task exited")
        ecs.run_task(cluster=cluster, taskDefinition=families["backup"], count=1, launchType="FARGATE",
                     group=f"family:{cluster}-backup", networkConfiguration=network)

    # --- Autoscaling: the scalable target and any pre-scale actions.
    aas = client("application-autoscaling")
    for t in of_type(plan, "aws_appautoscaling_target"):
        aas.register_scalable_target(
            ServiceNamespace=t["service_namespace"], ResourceId=t["resource_id"],
            ScalableDimension=t["scalable_dimension"], MinCapacity=t["min_capacity"], MaxCapacity=t["max_capacity"],
        )
    for a in of_type(plan, "aws_appautoscaling_scheduled_action"):
        action = a["scalable_target_action"][0]
        aas.put_scheduled_action(
            ServiceNamespace=a["service_namespace"], ResourceId=a["resource_id"], ScalableDimension=a["scalable_dimension"],
            ScheduledActionName=a["name"], Schedule=a["schedule"], Timezone=a.get("timezone") or "UTC",
            ScalableTargetAction={"MinCapacity": int(action["min_capacity"]), "MaxCapacity": int(action["max_capacity"])},
        )

    # --- RDS: subnet and parameter groups, the writer, its replicas.
    for g in of_type(plan, "aws_db_subnet_group"):
        rds.create_db_subnet_group(DBSubnetGroupName=g["name"], DBSubnetGroupDescription=g["name"], SubnetIds=subnets[2:])
    for g in of_type(plan, "aws_db_parameter_group"):
        rds.create_db_parameter_group(DBParameterGroupName=g["name"], DBParameterGroupFamily=g["family"], Description=g["description"])
    db_group = groups.get(next((n for n in groups if n.endswith("-db")), ""), None)
    for db in (d for d in of_type(plan, "aws_db_instance") if not d.get("replicate_source_db")):
        rds.create_db_instance(
            DBInstanceIdentifier=db["identifier"], DBInstanceClass=db["instance_class"], Engine="mysql",
            EngineVersion=db["engine_version"], MultiAZ=bool(db.get("multi_az")), DBName=db.get("db_name"),
            MasterUsername=db["username"], MasterUserPassword="mock-only-password",  # the mock needs one
            AllocatedStorage=db["allocated_storage"], StorageType=db["storage_type"], StorageEncrypted=True,
            DBSubnetGroupName=of_type(plan, "aws_db_subnet_group")[0]["name"],
            DBParameterGroupName=db["parameter_group_name"], VpcSecurityGroupIds=[db_group] if db_group else [],
            EnableIAMDatabaseAuthentication=bool(db.get("iam_database_authentication_enabled")),
            DeletionProtection=bool(db.get("deletion_protection")), BackupRetentionPeriod=db["backup_retention_period"],
            EnableCloudwatchLogsExports=db.get("enabled_cloudwatch_logs_exports") or [],
            CopyTagsToSnapshot=bool(db.get("copy_tags_to_snapshot")),
        )
    for db in (d for d in of_type(plan, "aws_db_instance") if d.get("replicate_source_db")):
        rds.create_db_instance_read_replica(
            DBInstanceIdentifier=db["identifier"], SourceDBInstanceIdentifier=db["replicate_source_db"],
            DBInstanceClass=db["instance_class"],
        )

    # --- RDS Proxy (only with db_proxy_enabled) and its target, the writer.
    for p in of_type(plan, "aws_db_proxy"):
        rds.create_db_proxy(
            DBProxyName=p["name"], EngineFamily=p["engine_family"], RoleArn=f"arn:aws:iam::123456789012:role/{p['name']}-db-proxy",
            # The plan has no auth block (end-to-end IAM, default_auth_scheme);
            # the mock's CreateDBProxy needs one.
            Auth=[{"IAMAuth": "REQUIRED", "Description": "mock only"}],
            VpcSubnetIds=subnets[2:], VpcSecurityGroupIds=[groups[f"{p['name']}-db-proxy"]],
            RequireTLS=bool(p.get("require_tls")), IdleClientTimeout=p["idle_client_timeout"],
        )
    for t in of_type(plan, "aws_db_proxy_target"):
        rds.register_db_proxy_targets(DBProxyName=t["db_proxy_name"], TargetGroupName="default",
                                      DBInstanceIdentifiers=[t["db_instance_identifier"]])

    # --- ElastiCache: the replication group and its IAM-authenticated users.
    elasticache = client("elasticache")
    for g in of_type(plan, "aws_elasticache_replication_group"):
        elasticache.create_replication_group(
            ReplicationGroupId=g["replication_group_id"], ReplicationGroupDescription=g["description"],
            Engine=g["engine"], CacheNodeType=g["node_type"], NumCacheClusters=g["num_cache_clusters"],
            AutomaticFailoverEnabled=bool(g.get("automatic_failover_enabled")),
        )
    for u in of_type(plan, "aws_elasticache_user"):
        mode = u["authentication_mode"][0]["type"]
        elasticache.create_user(
            UserId=u["user_id"], UserName=u["user_name"], Engine=u["engine"], AccessString=u["access_string"],
            **({"AuthenticationMode": {"Type": "iam"}} if mode == "iam" else {"NoPasswordRequired": True}),
        )

    # --- The job-failures queue (Scheduler's dead-letter queue, the stopped-task
    # rule's target) and that rule.
    sqs, events = client("sqs"), client("events")
    for q in of_type(plan, "aws_sqs_queue"):
        url = sqs.create_queue(QueueName=q["name"],
                               Attributes={"MessageRetentionPeriod": str(q["message_retention_seconds"])})["QueueUrl"]
        # Not in a plan: the event of the failed backup run above, as the rule delivers it.
        if failed_backup and q["name"].endswith("-job-failures"):
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps({
                "version": "0", "source": "aws.ecs", "detail-type": "ECS Task State Change", "region": REGION,
                "detail": {"clusterArn": failed_backup["clusterArn"], "taskArn": failed_backup["taskArn"],
                           "taskDefinitionArn": failed_backup["taskDefinitionArn"], "lastStatus": "STOPPED",
                           "stopCode": "EssentialContainerExited", "stoppedReason": "Essential container in task exited",
                           "containers": [{"name": "backup", "exitCode": 1}]},
            }))
    for r in of_type(plan, "aws_cloudwatch_event_rule"):
        # The pattern names the cluster's ARN, unknown until apply: the mock gets its fixed part.
        pattern = r.get("event_pattern") or json.dumps({"source": ["aws.ecs"], "detail-type": ["ECS Task State Change"]})
        events.put_rule(Name=r["name"], EventPattern=pattern, Description=r.get("description") or "")

    # --- Alarms (metric math included), topics, budgets, dashboards.
    for a in of_type(plan, "aws_cloudwatch_metric_alarm"):
        cw.put_metric_alarm(**alarm_args(a))
    # Not in a plan: one alarm firing, so "what is in ALARM" has an answer.
    first = of_type(plan, "aws_cloudwatch_metric_alarm")[0]["alarm_name"]
    cw.set_alarm_state(AlarmName=first, StateValue="ALARM", StateReason="Threshold crossed (seeded by the runbook test)")
    sns = client("sns")
    for t in of_type(plan, "aws_sns_topic"):
        arn = sns.create_topic(Name=t["name"])["TopicArn"]
        for s in of_type(plan, "aws_sns_topic_subscription"):
            sns.subscribe(TopicArn=arn, Protocol=s["protocol"], Endpoint=s["endpoint"])
    for b in of_type(plan, "aws_budgets_budget"):
        client("budgets").create_budget(
            AccountId="123456789012",
            Budget={"BudgetName": b["name"], "BudgetType": b["budget_type"], "TimeUnit": b["time_unit"],
                    "BudgetLimit": {"Amount": b["limit_amount"], "Unit": b["limit_unit"]}},
        )
    for d in of_type(plan, "aws_cloudwatch_dashboard"):
        cw.put_dashboard(DashboardName=d["dashboard_name"], DashboardBody=d.get("dashboard_body") or "{}")

    # --- Logs: every group, with a line or two where the docs search.
    now = int(time.time() * 1000)
    for g in of_type(plan, "aws_cloudwatch_log_group"):
        logs.create_log_group(logGroupName=g["name"])
    # Not in a plan: the log group Synthetics creates for a canary at its first run.
    for c in of_type(plan, "aws_synthetics_canary"):
        group = f"/aws/lambda/cwsyn-{c['name']}-0a1b2c3d"
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="2026/11/27/[$LATEST]0a1b")
        logs.put_log_events(logGroupName=group, logStreamName="2026/11/27/[$LATEST]0a1b",
                            logEvents=[{"timestamp": now - 60_000, "message": "ERROR publish: HTTP 401"}])
    lines = {
        "api": ("api/api/0a1b2c", ['GET /api/matches/1/feed 200 3ms', 'ERROR ER_CON_COUNT_ERROR: Too many connections']),
        # The failed backup run's stream (awslogs: <prefix>/<container>/<task id>).
        "jobs": (f"backup/backup/{failed_backup['taskArn'].rsplit('/', 1)[-1]}" if failed_backup else "backup/backup/3d4e5f",
                 ["backup: mysqldump: Got error: 1045: Access denied for user 'kickoff_backup'", "backup: failed"]),
        "slowquery": ("kickoff", ["# Query_time: 2.1  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 1200000",
                                   "SELECT * FROM commentary WHERE match_id = 1 ORDER BY ts DESC;"]),
    }
    for g in of_type(plan, "aws_cloudwatch_log_group"):
        suffix = g["name"].rsplit("/", 1)[-1]
        if suffix in lines:
            stream, messages = lines[suffix]
            logs.create_log_stream(logGroupName=g["name"], logStreamName=stream)
            logs.put_log_events(logGroupName=g["name"], logStreamName=stream,
                                 logEvents=[{"timestamp": now - 60_000, "message": m} for m in messages])

    # --- Buckets; a dump and an archived match to find (not in a plan).
    for b in of_type(plan, "aws_s3_bucket"):
        s3.create_bucket(Bucket=b["bucket"])
        if "-backups-" in b["bucket"]:
            s3.put_object(Bucket=b["bucket"], Key="mysql/2026/11/27/kickoff-20261127T0600Z.sql.gz",
                          Body=gzip.compress(b"CREATE TABLE t (id int);\n"))
        if "-assets-" in b["bucket"]:
            s3.put_object(Bucket=b["bucket"], Key="assets/crests/1.svg", Body=b"<svg/>", ContentType="image/svg+xml")
        if "-archive-" in b["bucket"]:
            s3.put_object(Bucket=b["bucket"], Key="commentary/2026/10/match-1.jsonl",
                          Body=b'{"match_id":"1","minute":23,"kind":"goal","text":"Goal!"}\n')

    # Not in a plan: the engineer's own IAM user, with an MFA device (break glass).
    iam = client("iam")
    me = client("sts").get_caller_identity()["Arn"].rsplit("/", 1)[-1]
    iam.create_user(UserName=me)
    mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName=me)["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName=me, SerialNumber=mfa, AuthenticationCode1="123456", AuthenticationCode2="654321")

    # --- Secrets, schedules, the CDN.
    sm = client("secretsmanager")
    for s in of_type(plan, "aws_secretsmanager_secret"):
        # Not in a plan: the values (write-only or put by hand). The master
        # secret has the JSON shape rds.tf writes; docs read its password field.
        value = json.dumps({"engine": "mysql", "username": "kickoff_admin", "password": "mock-master-password"}) \
            if s["name"].endswith("/db/master") else "mock"
        sm.create_secret(Name=s["name"], SecretString=value)
    role = "arn:aws:iam::123456789012:role/mock-scheduler"
    for s in of_type(plan, "aws_scheduler_schedule"):
        target = s["target"][0]
        ecs_params = target["ecs_parameters"][0]
        net = ecs_params["network_configuration"][0]
        job = s["name"].rsplit("-", 1)[-1]
        client("scheduler").create_schedule(
            Name=s["name"], ScheduleExpression=s["schedule_expression"],
            FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": s["flexible_time_window"][0]["maximum_window_in_minutes"]},
            Target={
                "Arn": f"arn:aws:ecs:{REGION}:123456789012:cluster/{cluster}", "RoleArn": role,
                "EcsParameters": {
                    "TaskDefinitionArn": families.get("backup" if job == "backup" else "archive", ""),
                    "LaunchType": "FARGATE",
                    "NetworkConfiguration": {"awsvpcConfiguration": {
                        "Subnets": subnets[2:], "SecurityGroups": [groups[n] for n in groups if n.endswith("-jobs")],
                        "AssignPublicIp": "ENABLED" if net.get("assign_public_ip") else "DISABLED"}},
                },
            },
        )
    for c in of_type(plan, "aws_synthetics_canary"):
        client("synthetics").create_canary(
            Name=c["name"], Code={"Handler": c["handler"], "ZipFile": b"seeded"}, ArtifactS3Location=c.get("artifact_s3_location") or "s3://unknown-until-apply/",
            ExecutionRoleArn="arn:aws:iam::123456789012:role/mock-canary", RuntimeVersion=c["runtime_version"],
            Schedule={"Expression": c["schedule"][0]["expression"]},
        )
    for d in of_type(plan, "aws_cloudfront_distribution"):
        client("cloudfront").create_distribution(DistributionConfig={
            "CallerReference": d["comment"], "Comment": d["comment"], "Enabled": True,
            "Aliases": {"Quantity": len(d["aliases"]), "Items": d["aliases"]},
            "Origins": {"Quantity": 1, "Items": [{"Id": "alb", "DomainName": "origin." + d["aliases"][0],
                                                  "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "alb", "ViewerProtocolPolicy": "https-only"},
        })
    return {"cluster": cluster}


def alarm_args(a):
    """put_metric_alarm arguments for one planned alarm."""
    args = {
        "AlarmName": a["alarm_name"],
        "AlarmDescription": a.get("alarm_description") or "",
        "ComparisonOperator": a["comparison_operator"],
        "Threshold": float(a["threshold"]),
        "EvaluationPeriods": a["evaluation_periods"],
        "TreatMissingData": a.get("treat_missing_data") or "missing",
    }
    if a.get("datapoints_to_alarm"):
        args["DatapointsToAlarm"] = a["datapoints_to_alarm"]
    dims = lambda d: [{"Name": k, "Value": v or "unknown-until-apply"} for k, v in (d or {}).items()]  # noqa: E731
    if a.get("metric_query"):
        queries = []
        for q in a["metric_query"]:
            item = {"Id": q["id"], "ReturnData": bool(q.get("return_data"))}
            if q.get("expression"):
                item["Expression"] = q["expression"]
            else:
                m = q["metric"][0]
                item["MetricStat"] = {"Metric": {"Namespace": m["namespace"], "MetricName": m["metric_name"],
                                                 "Dimensions": dims(m.get("dimensions"))},
                                      "Period": m["period"], "Stat": m["stat"]}
            queries.append(item)
        args["Metrics"] = queries
    else:
        args.update(Namespace=a["namespace"], MetricName=a["metric_name"], Period=a["period"],
                    Dimensions=dims(a.get("dimensions")))
        if a.get("extended_statistic"):
            args["ExtendedStatistic"] = a["extended_statistic"]
        else:
            args["Statistic"] = a["statistic"]
    return args
