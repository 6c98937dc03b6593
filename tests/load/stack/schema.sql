-- Schema of the reference commentary API (tests/load/stack/server.js). Not the product's schema:
-- just enough tables for a publish to cost three writes (`data.db_writes_per_event` = 3).
CREATE DATABASE IF NOT EXISTS kickoff;
USE kickoff;
CREATE TABLE matches (
  id            INT PRIMARY KEY,
  home          VARCHAR(40) NOT NULL,
  away          VARCHAR(40) NOT NULL,
  home_goals    INT NOT NULL DEFAULT 0,
  away_goals    INT NOT NULL DEFAULT 0,
  minute        INT NOT NULL DEFAULT 0,
  last_event_id BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB;
CREATE TABLE events (
  id              BIGINT AUTO_INCREMENT PRIMARY KEY,
  match_id        INT NOT NULL,
  minute          INT NOT NULL,
  text            VARCHAR(500) NOT NULL,
  published_at_ms BIGINT NOT NULL,
  KEY by_match (match_id, id)
) ENGINE=InnoDB;
CREATE TABLE audit (
  id       BIGINT AUTO_INCREMENT PRIMARY KEY,
  match_id INT NOT NULL,
  event_id BIGINT NOT NULL,
  action   VARCHAR(20) NOT NULL,
  at       TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB;
