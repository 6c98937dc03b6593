//! The price book: every AWS price the plan uses, with unit, source, date and
//! confidence, read from an embedded data file (`prices_us_east_1.json`).
//!
//! Prices are looked up by id (`fargate.arm.vcpu_hour`). A scenario may
//! override any of them (`price_overrides`); an unknown id is a validation
//! error, never silently ignored.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

const EMBEDDED: &str = include_str!("prices_us_east_1.json");

/// One price with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Price {
    pub id: String,
    pub value: f64,
    pub unit: String,
    pub source: String,
    /// Month the price was read, `YYYY-MM`.
    pub date: String,
    /// H (AWS page), M (one secondary source), L (unverified), or
    /// `override` when the scenario replaced it.
    pub confidence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceBook {
    pub region: String,
    pub currency: String,
    /// Day the book was assembled.
    pub retrieved: String,
    pub prices: Vec<Price>,
    #[serde(skip)]
    index: BTreeMap<String, usize>,
}

/// Position of each id (the last one wins, as `collect` would have it).
/// Inserts rather than `collect`: collecting into a `BTreeMap` sorts first,
/// and each key type's stable sort costs the browser bundle ~1 KB brotli.
pub(crate) fn index_by_id<'a>(ids: impl Iterator<Item = &'a String>) -> BTreeMap<String, usize> {
    let mut index = BTreeMap::new();
    for (i, id) in ids.enumerate() {
        index.insert(id.clone(), i);
    }
    index
}

impl PriceBook {
    /// The us-east-1 book compiled into the binary.
    ///
    /// # Panics
    /// Only if the embedded file is malformed, which `tests` catch at build time.
    pub fn embedded() -> PriceBook {
        let mut book: PriceBook = serde_json::from_str(EMBEDDED).expect("embedded price book is valid JSON");
        book.reindex();
        book
    }

    /// A price book in the embedded file's format (e.g. an older revision of
    /// it, for `kickoff diff --base-prices`).
    ///
    /// # Errors
    /// The JSON error, with its path.
    pub fn from_json(text: &str) -> Result<PriceBook, String> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let mut book: PriceBook = serde_path_to_error::deserialize(de).map_err(|e| e.to_string())?;
        book.reindex();
        Ok(book)
    }

    /// The values of `other` that differ from this book's, for ids both
    /// have: as price overrides, they price a plan with `other`'s rates.
    pub fn differing_values(&self, other: &PriceBook) -> BTreeMap<String, f64> {
        other
            .prices
            .iter()
            .filter(|p| self.entry(&p.id).is_some_and(|mine| mine.value != p.value))
            .map(|p| (p.id.clone(), p.value))
            .collect()
    }

    fn reindex(&mut self) {
        self.index = index_by_id(self.prices.iter().map(|p| &p.id));
    }

    pub fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    /// The entries of `ids` (any order, repeats allowed): each once, by id.
    /// A walk of the id index, not a sort: sort code for this list and the
    /// book's indexes cost the browser bundle 2,351 B brotli (measured,
    /// docs/performance.md, "Bundle", step 7).
    pub fn entries_of(&self, ids: &[&str]) -> Vec<Price> {
        let mut wanted = vec![false; self.prices.len()];
        for id in ids {
            if let Some(&i) = self.index.get(*id) {
                wanted[i] = true;
            }
        }
        self.index
            .values()
            .filter(|&&i| wanted[i])
            .map(|&i| self.prices[i].clone())
            .collect()
    }

    /// The full entry for `id`.
    pub fn entry(&self, id: &str) -> Option<&Price> {
        self.index.get(id).map(|&i| &self.prices[i])
    }

    /// The value of `id`.
    ///
    /// # Panics
    /// If `id` is not in the book. Ids are compile-time constants of the
    /// model, checked by `every_id_the_model_uses_exists`; user-supplied ids
    /// go through [`PriceBook::with_overrides`], which returns an error instead.
    pub fn get(&self, id: &str) -> f64 {
        match self.entry(id) {
            Some(p) => p.value,
            None => panic!("price id {id} missing from the price book"),
        }
    }

    /// The book with the scenario's overrides applied (borrowed when there are
    /// none: plans run on every keystroke). Unknown ids come back as
    /// the error list.
    pub fn with_overrides(&self, overrides: &BTreeMap<String, f64>) -> Result<Cow<'_, PriceBook>, Vec<String>> {
        let unknown: Vec<String> = overrides.keys().filter(|id| !self.contains(id)).cloned().collect();
        if !unknown.is_empty() {
            return Err(unknown);
        }
        if overrides.is_empty() {
            return Ok(Cow::Borrowed(self));
        }
        let mut book = self.clone();
        for p in &mut book.prices {
            if let Some(&v) = overrides.get(&p.id) {
                p.value = v;
                p.confidence = "override".into();
                p.source = "scenario price_overrides".into();
            }
        }
        Ok(Cow::Owned(book))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_has_provenance() {
        let book = PriceBook::embedded();
        assert!(book.prices.len() > 50);
        for p in &book.prices {
            assert!(p.value.is_finite() && p.value >= 0.0, "{}", p.id);
            assert!(p.source.starts_with("https://aws.amazon.com/"), "{}", p.id);
            assert_eq!(p.date.len(), 7, "{} date {}", p.id, p.date);
            assert!(["H", "M", "L"].contains(&p.confidence.as_str()), "{}", p.id);
            assert!(!p.unit.is_empty());
        }
    }

    #[test]
    fn multi_az_fallbacks_are_twice_the_single_az_rate_and_say_so() {
        let book = PriceBook::embedded();
        let multi: Vec<&Price> = book
            .prices
            .iter()
            .filter(|p| p.id.starts_with("rds.mysql.multi_az."))
            .collect();
        assert_eq!(multi.len(), 16);
        let mut sourced = 0;
        for p in multi {
            let single = book.get(&p.id.replace("multi_az.", ""));
            let fallback = p.source.contains("fallback");
            assert_eq!(
                fallback,
                p.confidence == "L",
                "{}: a fallback is marked L, a read price is not",
                p.id
            );
            if fallback {
                assert!((p.value - 2.0 * single).abs() < 1e-9, "{}", p.id);
            } else {
                sourced += 1;
            }
        }
        // db.t4g.small is read ($0.065, not 2 × $0.032); the rest are listed as
        // fallbacks in docs/reference/price-and-limit-sources.md.
        assert_eq!(sourced, 1);
        assert_eq!(book.get("rds.mysql.multi_az.db.t4g.small"), 0.065);
    }

    #[test]
    fn ids_are_unique() {
        let book = PriceBook::embedded();
        assert_eq!(book.index.len(), book.prices.len());
    }

    #[test]
    fn overrides_replace_values_and_reject_unknown_ids() {
        let book = PriceBook::embedded();
        let mut o = BTreeMap::new();
        o.insert("alb.hour".to_string(), 0.03);
        let b2 = book.with_overrides(&o).unwrap();
        assert_eq!(b2.get("alb.hour"), 0.03);
        assert_eq!(b2.entry("alb.hour").unwrap().confidence, "override");
        o.insert("alb.hourz".to_string(), 1.0);
        assert_eq!(book.with_overrides(&o).unwrap_err(), vec!["alb.hourz".to_string()]);
    }
}
