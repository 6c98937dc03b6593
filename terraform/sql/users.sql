-- MySQL users of the tasks and of break-glass diagnosis, each
-- least-privilege, each authenticated by IAM (a 15-minute token from its ECS
-- task role, or from the engineer's break-glass session; never a password).
--
-- A Terraform template (templatefile): db_name and users (api, backup,
-- archive, diag) come from terraform/jobs.tf (local.users_sql), which puts the
-- rendered text into the db-admin task definition. Idempotent: run it on
-- the first deploy of an environment and after every change to this file
-- (docs/deploying-from-scratch.md, step 6). The users replicate to the read
-- replicas with everything else.
--
-- AWSAuthenticationPlugin: RDS user guide, IAM database authentication,
-- Creating a database account using IAM authentication. REQUIRE SSL: the
-- parameter group already sets require_secure_transport; this says it per
-- user too.

-- The API: reads and writes the commentary schema; no DDL.
CREATE USER IF NOT EXISTS '${users.api}'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;
GRANT SELECT, INSERT, UPDATE, DELETE ON `${db_name}`.* TO '${users.api}'@'%';

-- The backup job runs mysqldump --single-transaction --no-tablespaces
-- --set-gtid-purged=OFF, which needs SELECT, SHOW VIEW for views and TRIGGER
-- for triggers, and neither LOCK TABLES (single transaction), PROCESS (no
-- tablespaces) nor RELOAD (no GTID statement) (MySQL 8.4 Reference Manual,
-- mysqldump).
CREATE USER IF NOT EXISTS '${users.backup}'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;
GRANT SELECT, SHOW VIEW, TRIGGER ON `${db_name}`.* TO '${users.backup}'@'%';

-- The archive job: reads old commentary and deletes what it has written to
-- S3; it inserts and updates nothing.
CREATE USER IF NOT EXISTS '${users.archive}'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;
GRANT SELECT, DELETE ON `${db_name}`.* TO '${users.archive}'@'%';

-- Break-glass diagnosis (docs/break-glass.md): reads the application schema
-- and sees every session and transaction (PROCESS: the processlist and
-- information_schema.innodb_trx the runbooks query), nothing else: no write,
-- no KILL (that is the master user's), and no SELECT on the mysql schema.
CREATE USER IF NOT EXISTS '${users.diag}'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;
GRANT SELECT, SHOW VIEW ON `${db_name}`.* TO '${users.diag}'@'%';
GRANT PROCESS ON *.* TO '${users.diag}'@'%';
