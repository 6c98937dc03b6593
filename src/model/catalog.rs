//! What AWS sells: valid Fargate task sizes, RDS MySQL instance classes and
//! ElastiCache node types, with the capacity facts the sizing needs.
//! Prices are not here; they live in the price book under the ids these
//! entries name.

/// GB in one GiB: `memory_gib * GIB` is the size in GB (catalog memory is
/// in GiB, the model counts GB).
pub const GIB: f64 = 1.073_741_824;

/// Valid Fargate memory sizes (GB) for a task's vCPU
/// (docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html).
/// Empty when `vcpu` is not a Fargate size.
pub fn fargate_memory_options_gb(vcpu: f64) -> Vec<f64> {
    let (from, to, step) = match vcpu {
        0.25 => return vec![0.5, 1.0, 2.0],
        0.5 => (1, 4, 1),
        1.0 => (2, 8, 1),
        2.0 => (4, 16, 1),
        4.0 => (8, 30, 1),
        8.0 => (16, 60, 4),
        16.0 => (32, 120, 8),
        _ => return vec![],
    };
    (from..=to).step_by(step).map(|gb: u32| f64::from(gb)).collect()
}

/// Fargate vCPU sizes.
pub const FARGATE_VCPU: [f64; 7] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0];

/// Is (vcpu, memory) a task size Fargate accepts?
pub fn is_valid_fargate_pair(vcpu: f64, memory_gb: f64) -> bool {
    fargate_memory_options_gb(vcpu).contains(&memory_gb)
}

/// An RDS MySQL instance class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DbClass {
    pub name: &'static str,
    pub vcpu: f64,
    pub memory_gib: f64,
    /// Baseline CPU share for burstable (t4g) classes; 1.0 for fixed performance.
    pub cpu_baseline: f64,
}

impl DbClass {
    pub fn price_id(&self) -> String {
        format!("rds.mysql.{}", self.name)
    }
    /// The Multi-AZ (primary and one standby) instance price.
    pub fn multi_az_price_id(&self) -> String {
        format!("rds.mysql.multi_az.{}", self.name)
    }
    pub fn is_burstable(&self) -> bool {
        self.cpu_baseline < 1.0
    }
}

/// RDS MySQL classes the planner chooses from, cheapest first within a family.
/// Baselines: aws.amazon.com/ec2/instance-types/t4g (micro 10 %, small and
/// medium 20 %, large 30 %).
pub const DB_CLASSES: [DbClass; 16] = [
    DbClass {
        name: "db.t4g.micro",
        vcpu: 2.0,
        memory_gib: 1.0,
        cpu_baseline: 0.10,
    },
    DbClass {
        name: "db.t4g.small",
        vcpu: 2.0,
        memory_gib: 2.0,
        cpu_baseline: 0.20,
    },
    DbClass {
        name: "db.t4g.medium",
        vcpu: 2.0,
        memory_gib: 4.0,
        cpu_baseline: 0.20,
    },
    DbClass {
        name: "db.t4g.large",
        vcpu: 2.0,
        memory_gib: 8.0,
        cpu_baseline: 0.30,
    },
    DbClass {
        name: "db.m6g.large",
        vcpu: 2.0,
        memory_gib: 8.0,
        cpu_baseline: 1.0,
    },
    DbClass {
        name: "db.m6g.xlarge",
        vcpu: 4.0,
        memory_gib: 16.0,
        cpu_baseline: 1.0,
    },
    DbClass {
        name: "db.m6g.2xlarge",
        vcpu: 8.0,
        memory_gib: 32.0,
        cpu_baseline: 1.0,
    },
    DbClass {
        name: "db.m7g.large",
        vcpu: 2.0,
        memory_gib: 8.0,
        cpu_baseline: 1.0,
    },
    DbClass {
        name: "db.m7g.xlarge",
        vcpu: 4.0,
        memory_gib: 16.0,
        cpu_baseline: 1.0,
    },
    DbClass {
        name: "db.m7g.2xlarge",
        vcpu: 8.0,
        memory_gib: 32.0,
        cpu_baseline: 1.0,
    },
    DbClass {
        name: "db.r6g.large",
        vcpu: 2.0,
        memory_gib: 16.0,
        cpu_baseline: 1.0,
    },
    DbClass {
        name: "db.r6g.xlarge",
        vcpu: 4.0,
        memory_gib: 32.0,
        cpu_baseline: 1.0,
    },
    DbClass {
        name: "db.r6g.2xlarge",
        vcpu: 8.0,
        memory_gib: 64.0,
        cpu_baseline: 1.0,
    },
    DbClass {
        name: "db.r7g.large",
        vcpu: 2.0,
        memory_gib: 16.0,
        cpu_baseline: 1.0,
    },
    DbClass {
        name: "db.r7g.xlarge",
        vcpu: 4.0,
        memory_gib: 32.0,
        cpu_baseline: 1.0,
    },
    DbClass {
        name: "db.r7g.2xlarge",
        vcpu: 8.0,
        memory_gib: 64.0,
        cpu_baseline: 1.0,
    },
];

pub fn db_class(name: &str) -> Option<DbClass> {
    DB_CLASSES.iter().copied().find(|c| c.name == name)
}

/// An ElastiCache node type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CacheNode {
    pub name: &'static str,
    pub vcpu: f64,
    pub memory_gib: f64,
    pub burstable: bool,
}

/// Node types the planner chooses from (aws.amazon.com/elasticache/pricing).
pub const CACHE_NODES: [CacheNode; 5] = [
    CacheNode {
        name: "cache.t4g.micro",
        vcpu: 2.0,
        memory_gib: 0.5,
        burstable: true,
    },
    CacheNode {
        name: "cache.t4g.small",
        vcpu: 2.0,
        memory_gib: 1.37,
        burstable: true,
    },
    CacheNode {
        name: "cache.t4g.medium",
        vcpu: 2.0,
        memory_gib: 3.09,
        burstable: true,
    },
    CacheNode {
        name: "cache.m7g.large",
        vcpu: 2.0,
        memory_gib: 6.38,
        burstable: false,
    },
    CacheNode {
        name: "cache.r7g.large",
        vcpu: 2.0,
        memory_gib: 13.07,
        burstable: false,
    },
];

pub fn cache_node(name: &str) -> Option<CacheNode> {
    CACHE_NODES.iter().copied().find(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PriceBook;

    #[test]
    fn fargate_pairs_match_the_aws_table() {
        assert!(is_valid_fargate_pair(0.25, 0.5));
        assert!(!is_valid_fargate_pair(0.25, 4.0));
        assert!(is_valid_fargate_pair(1.0, 2.0));
        assert!(!is_valid_fargate_pair(1.0, 1.0));
        assert!(is_valid_fargate_pair(8.0, 60.0));
        assert!(!is_valid_fargate_pair(8.0, 18.0));
        assert!(!is_valid_fargate_pair(0.75, 2.0));
        assert!(fargate_memory_options_gb(f64::NAN).is_empty());
        assert_eq!(fargate_memory_options_gb(16.0).len(), 12);
    }

    #[test]
    fn every_class_and_node_has_a_price() {
        let book = PriceBook::embedded();
        for c in DB_CLASSES {
            assert!(book.contains(&c.price_id()), "{}", c.name);
            assert!(book.contains(&c.multi_az_price_id()), "{}", c.name);
        }
        for n in CACHE_NODES {
            assert!(book.contains(&format!("elasticache.valkey.{}", n.name)), "{}", n.name);
            assert!(book.contains(&format!("elasticache.redis.{}", n.name)), "{}", n.name);
        }
    }
}
