//! Demand: what a given audience asks of each tier, from the CDN edge down to
//! MySQL, and what a month of match days and quiet days adds up to.

use super::profile;
use super::scenario::{DeliveryMode, Scenario};
use serde::Serialize;

/// Bytes in a KB (AWS bills in 10^3 multiples).
pub const KB: f64 = 1_000.0;
/// Bytes in a GB.
pub const GB: f64 = 1e9;

/// Demand at one moment. Rates are per second.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Demand {
    pub fans: f64,
    /// Feed polls (or SSE messages) reaching CloudFront.
    pub edge_feed_rps: f64,
    /// Page and asset requests reaching CloudFront.
    pub edge_asset_rps: f64,
    /// Requests (or request-equivalents of SSE work) reaching the API tasks.
    pub origin_rps: f64,
    pub redis_ops_per_s: f64,
    /// Of the cache operations, the reads (GETs); the rest are the events'
    /// writes (SET, PUBLISH).
    pub cache_reads_per_s: f64,
    /// Commentary events per second, all games.
    pub events_per_s: f64,
    pub db_reads_per_s: f64,
    pub db_writes_per_s: f64,
    /// Client connections held open at the origin (SSE) or CloudFront
    /// connections to the ALB (polling).
    pub origin_connections: f64,
    pub alb_new_connections_per_s: f64,
    pub edge_bytes_per_s: f64,
    pub origin_bytes_per_s: f64,
    /// Asset requests CloudFront misses and fetches from S3.
    pub s3_gets_per_s: f64,
    /// Requests regional edge caches send to Origin Shield (0 without it).
    pub shield_rps: f64,
}

impl Demand {
    pub fn edge_rps(&self) -> f64 {
        self.edge_feed_rps + self.edge_asset_rps
    }
}

/// Is there a cache tier? (`overrides.cache_enabled = false` removes it.)
/// Months until the peak, growing `audience.growth_pct_per_month` a month
/// (compounded), exceeds the design audience (peak × (1 + headroom)): the
/// smallest m with (1 + g)^m > 1 + h, i.e. ln(1 + h) ÷ ln(1 + g). `None`
/// without growth: the headroom is never used up.
pub fn headroom_months(s: &Scenario) -> Option<f64> {
    let g = s.audience.growth_pct_per_month / 100.0;
    let h = s.audience.design_headroom_pct / 100.0;
    (g > 0.0).then(|| (1.0 + h).ln() / (1.0 + g).ln())
}

pub fn cache_enabled(s: &Scenario) -> bool {
    s.overrides.cache_enabled.unwrap_or(true)
}

/// Demand from `fans` online, `arrivals_per_s` new fans per second, and
/// commentary at `events_per_min` per game.
pub fn at(s: &Scenario, fans: f64, arrivals_per_s: f64, events_per_min: f64) -> Demand {
    let d = &s.delivery;
    let games = f64::from(s.audience.simultaneous_games);
    let match_s = profile::MATCH_MIN * 60.0;
    let page_rps =
        arrivals_per_s * d.page_views_per_fan.min(1.0) + fans * (d.page_views_per_fan - 1.0).max(0.0) / match_s;
    let edge_asset_rps = page_rps * (1.0 + d.assets_per_page_view);
    let events_per_s = games * events_per_min / 60.0;
    let db_writes_per_s = events_per_s * s.data.db_writes_per_event;
    let cached = cache_enabled(s);
    let miss = if cached { 1.0 - s.data.redis_hit_ratio } else { 1.0 };
    let c = &s.coefficients;

    let (edge_feed_rps, origin_rps, origin_feed_rps, connections, new_conns, shield_rps) = match d.mode {
        DeliveryMode::Polling => {
            let edge = fans / d.poll_interval_s;
            let cacheable = edge * d.cacheable_share;
            let uncacheable = edge - cacheable;
            // With TTL t, each regional edge cache fetches a key at most 1/t
            // times a second (request collapsing); Origin Shield collapses
            // those again into one fetcher.
            let keys = games * f64::from(d.feed_keys_per_game);
            let collapse = |fetchers: f64| {
                if d.cdn_live_ttl_s > 0.0 {
                    cacheable.min(keys * fetchers / d.cdn_live_ttl_s)
                } else {
                    cacheable
                }
            };
            let from_recs = collapse(c.cdn_origin_fetchers_without_shield);
            let (to_origin, shield) = if d.origin_shield {
                (collapse(1.0), from_recs + uncacheable)
            } else {
                (from_recs, 0.0)
            };
            let origin = to_origin + uncacheable;
            let new_conns = origin / c.alb_requests_per_connection;
            (edge, origin, origin, origin, new_conns, shield)
        }
        DeliveryMode::Sse => {
            // Every fan holds a stream; each commentary event and heartbeat is
            // one message; each arrival opens a stream (one full request).
            let msgs_per_fan = events_per_min / 60.0 + 1.0 / d.sse_heartbeat_s;
            let messages = fans * msgs_per_fan;
            let origin = messages * c.sse_message_cost + arrivals_per_s;
            let shield = if d.origin_shield { arrivals_per_s } else { 0.0 };
            (messages, origin, messages, fans, arrivals_per_s, shield)
        }
    };
    // Polling: each origin request reads the cache once; SSE: each new stream
    // reads the latest state once, each event is fanned out from pub/sub.
    let reads = match d.mode {
        DeliveryMode::Polling => origin_rps,
        DeliveryMode::Sse => arrivals_per_s + events_per_s,
    };
    let redis_ops_per_s = if cached {
        reads + events_per_s * c.cache_ops_per_event
    } else {
        0.0
    };
    let cache_reads_per_s = if cached { reads } else { 0.0 };
    let db_reads_per_s = reads * miss * s.data.db_queries_per_uncached_request;
    Demand {
        fans,
        edge_feed_rps,
        edge_asset_rps,
        origin_rps,
        redis_ops_per_s,
        cache_reads_per_s,
        events_per_s,
        db_reads_per_s,
        db_writes_per_s,
        origin_connections: connections,
        alb_new_connections_per_s: new_conns,
        edge_bytes_per_s: edge_feed_rps * d.payload_kb * KB + edge_asset_rps * d.asset_kb * KB,
        origin_bytes_per_s: origin_feed_rps * d.payload_kb * KB,
        s3_gets_per_s: edge_asset_rps * (1.0 - c.asset_cdn_hit_ratio),
        shield_rps,
    }
}

/// Share of the origin's requests CloudFront can answer from a stale copy
/// while the origin fails (`stale-if-error`): the cacheable feed fetches of
/// polling, never the uncacheable per-fan requests, nothing for SSE streams.
pub fn stale_servable_share(s: &Scenario, d: &Demand) -> f64 {
    if s.delivery.mode != DeliveryMode::Polling || d.origin_rps <= 0.0 {
        return 0.0;
    }
    let uncacheable = d.edge_feed_rps * (1.0 - s.delivery.cacheable_share);
    ((d.origin_rps - uncacheable) / d.origin_rps).clamp(0.0, 1.0)
}

/// Demand at one profile point of the design audience (peak × headroom):
/// what capacity is sized for.
pub fn at_point(s: &Scenario, p: &profile::Point) -> Demand {
    at_point_of(s, p, s.design_fans())
}

/// Demand at one profile point of an audience peaking at `fans`: the design
/// audience sizes capacity, the expected one (`peak_concurrent_fans`) is
/// what a month is billed for.
pub fn at_point_of(s: &Scenario, p: &profile::Point, fans: f64) -> Demand {
    let events = if p.burst {
        s.writes.burst_events_per_minute_per_game
    } else {
        s.writes.events_per_minute_per_game
    };
    at(s, fans * p.share, fans * p.arrival_share_per_s, events)
}

/// Share of peak fans online outside match windows.
pub fn off_peak_share(s: &Scenario) -> f64 {
    f64::from(s.audience.off_peak_fans) / f64::from(s.peak_concurrent_fans.max(1))
}

/// Distinct archived pages off-peak readers choose from: last month's games
/// (`simultaneous_games` × `match_days_per_month`, at least one) × the
/// archive objects of a game (`archive_mb_per_game` ÷ `archive_object_kb`,
/// at least one).
pub fn archive_keys(s: &Scenario) -> f64 {
    let games = f64::from(s.audience.simultaneous_games * s.audience.match_days_per_month.max(1));
    let per_game = (s.storage.archive_mb_per_game * 1_000.0 / s.storage.archive_object_kb)
        .ceil()
        .max(1.0);
    games * per_game
}

/// Demand outside match windows: off-peak readers browse archived
/// commentary pages at `audience.off_peak_page_views_per_hour`, each page
/// with its assets; they do not poll the live feed. CloudFront keeps an
/// archived page `delivery.archive_ttl_s`, so each of the regional caches
/// that fetch (Origin Shield's one, or the regional edge caches without it)
/// asks the origin for a page at most once per TTL.
pub fn off_peak(s: &Scenario) -> Demand {
    let d = &s.delivery;
    let c = &s.coefficients;
    let readers = f64::from(s.audience.off_peak_fans);
    let pages = readers * s.audience.off_peak_page_views_per_hour / 3600.0;
    let edge_asset_rps = pages * d.assets_per_page_view;
    let keys = archive_keys(s);
    let collapse = |fetchers: f64| {
        if d.archive_ttl_s > 0.0 {
            pages.min(keys * fetchers / d.archive_ttl_s)
        } else {
            pages
        }
    };
    let from_recs = collapse(c.cdn_origin_fetchers_without_shield);
    let (origin_rps, shield_rps) = if d.origin_shield {
        (collapse(1.0), from_recs)
    } else {
        (from_recs, 0.0)
    };
    let cached = cache_enabled(s);
    let miss = if cached { 1.0 - s.data.redis_hit_ratio } else { 1.0 };
    Demand {
        fans: readers,
        edge_feed_rps: pages,
        edge_asset_rps,
        origin_rps,
        redis_ops_per_s: if cached { origin_rps } else { 0.0 },
        cache_reads_per_s: if cached { origin_rps } else { 0.0 },
        events_per_s: 0.0,
        db_reads_per_s: origin_rps * miss * s.data.db_queries_per_uncached_request,
        db_writes_per_s: 0.0,
        origin_connections: origin_rps,
        alb_new_connections_per_s: origin_rps / c.alb_requests_per_connection,
        edge_bytes_per_s: pages * d.payload_kb * KB + edge_asset_rps * d.asset_kb * KB,
        origin_bytes_per_s: origin_rps * d.payload_kb * KB,
        s3_gets_per_s: edge_asset_rps * (1.0 - c.asset_cdn_hit_ratio),
        shield_rps,
    }
}

/// The step of `day` with the largest `key`, starting from
/// `Demand::default()`: a later step replaces the current one only when its
/// key is strictly greater, so ties keep the earliest step (and an empty or
/// all-zero day gives the default).
pub fn peak_by(day: &[Demand], key: impl Fn(&Demand) -> f64) -> Demand {
    day.iter()
        .copied()
        .fold(Demand::default(), |a, d| if key(&d) > key(&a) { d } else { a })
}

/// Totals over an average month.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Month {
    pub match_hours: f64,
    pub off_peak_hours: f64,
    pub edge_requests: f64,
    pub edge_gb: f64,
    pub origin_requests: f64,
    pub origin_gb: f64,
    pub redis_ops: f64,
    pub db_reads: f64,
    pub db_writes: f64,
    pub s3_gets: f64,
    pub shield_requests: f64,
    /// Mean edge requests per second over the month.
    pub avg_edge_rps: f64,
    /// Mean origin requests per second over the month.
    pub avg_origin_rps: f64,
}

/// A month: `match_days_per_month` copies of the match-day series (sampled
/// every `step_s`), and off-peak demand for the remaining hours.
pub fn month(s: &Scenario, day: &[Demand], step_s: f64) -> Month {
    let days = f64::from(s.audience.match_days_per_month);
    let window_h = day.len() as f64 * step_s / 3600.0;
    let match_hours = (days * window_h).min(s.coefficients.hours_per_month);
    let off_peak_hours = s.coefficients.hours_per_month - match_hours;
    let off = off_peak(s);
    let total =
        |f: &dyn Fn(&Demand) -> f64| day.iter().map(f).sum::<f64>() * step_s * days + f(&off) * off_peak_hours * 3600.0;
    let seconds = s.coefficients.hours_per_month * 3600.0;
    let edge_requests = total(&|d| d.edge_rps());
    let origin_requests = total(&|d| d.origin_rps);
    Month {
        match_hours,
        off_peak_hours,
        edge_requests,
        edge_gb: total(&|d| d.edge_bytes_per_s) / GB,
        origin_requests,
        origin_gb: total(&|d| d.origin_bytes_per_s) / GB,
        redis_ops: total(&|d| d.redis_ops_per_s),
        db_reads: total(&|d| d.db_reads_per_s),
        db_writes: total(&|d| d.db_writes_per_s),
        s3_gets: total(&|d| d.s3_gets_per_s),
        shield_requests: total(&|d| d.shield_rps),
        avg_edge_rps: edge_requests / seconds,
        avg_origin_rps: origin_requests / seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headroom_lasts_until_growth_eats_it() {
        let mut s = Scenario::default();
        assert_eq!(headroom_months(&s), None);
        s.audience.growth_pct_per_month = 5.0;
        // 1.05^m = 1.2 at m = 3.74: the 4th month's peak exceeds the design audience.
        let m = headroom_months(&s).unwrap();
        assert!((m - 3.7368).abs() < 1e-4, "{m}");
        assert!(1.05_f64.powf(m.floor()) <= 1.2 && 1.05_f64.powf(m.ceil()) > 1.2);
        s.audience.design_headroom_pct = 0.0;
        assert_eq!(headroom_months(&s), Some(0.0));
    }

    /// The default with the design these tests pin: a poll every 2 s,
    /// Origin Shield on.
    fn shielded() -> Scenario {
        let mut s = Scenario::default();
        s.delivery.poll_interval_s = 2.0;
        s.delivery.origin_shield = true;
        s
    }

    #[test]
    fn micro_cache_collapses_polls_to_keys_over_ttl() {
        let s = shielded();
        let d = at(&s, 6000.0, 0.0, 4.0);
        assert_eq!(d.edge_feed_rps, 3000.0);
        // 3 games × 2 keys through one shield at TTL 1 s = 6 req/s, plus the
        // 5 % uncacheable share (150 req/s).
        assert!((d.origin_rps - 156.0).abs() < 1e-9, "{}", d.origin_rps);
        assert!((d.redis_ops_per_s - (156.0 + 0.4)).abs() < 1e-9);
        assert!((d.db_reads_per_s - 156.0 * 0.05 * 2.0).abs() < 1e-9);
        assert!((d.db_writes_per_s - 0.6).abs() < 1e-9);
        // The default (no Origin Shield, a poll every second): each of the
        // 13 regional edge caches fetches each key once per TTL, 78 req/s,
        // plus 5 % of 6,000 polls/s uncacheable (300 req/s).
        let d = at(&Scenario::default(), 6000.0, 0.0, 4.0);
        assert_eq!(d.edge_feed_rps, 6000.0);
        assert!((d.origin_rps - (78.0 + 300.0)).abs() < 1e-9, "{}", d.origin_rps);
    }

    #[test]
    fn without_ttl_every_poll_reaches_the_origin() {
        let mut s = shielded();
        s.delivery.cdn_live_ttl_s = 0.0;
        s.overrides.cache_enabled = Some(false);
        let d = at(&s, 6000.0, 0.0, 4.0);
        assert_eq!(d.origin_rps, 3000.0);
        assert_eq!(d.redis_ops_per_s, 0.0);
        assert_eq!(d.db_reads_per_s, 6000.0);
    }

    #[test]
    fn sse_holds_a_connection_per_fan() {
        let mut s = Scenario::default();
        s.delivery.mode = DeliveryMode::Sse;
        let d = at(&s, 1000.0, 10.0, 6.0);
        assert_eq!(d.origin_connections, 1000.0);
        let msgs = 1000.0 * (0.1 + 1.0 / 15.0);
        assert!((d.origin_rps - (msgs * 0.25 + 10.0)).abs() < 1e-9);
    }

    #[test]
    fn off_peak_readers_browse_the_archive_not_the_live_feed() {
        let s = shielded();
        let d = off_peak(&s);
        // 100 readers × 6 pages an hour; 12 assets each.
        assert!((d.edge_feed_rps - 100.0 * 6.0 / 3600.0).abs() < 1e-12);
        assert!((d.edge_asset_rps - d.edge_feed_rps * 12.0).abs() < 1e-12);
        // 3 games × 8 days × ⌈5 MB / 512 KB⌉ = 240 pages, each fetched once an
        // hour through Origin Shield: 240 / 3600 req/s.
        assert_eq!(archive_keys(&s), 240.0);
        assert!((d.origin_rps - 240.0 / 3600.0).abs() < 1e-12, "{}", d.origin_rps);
        // The live feed would be 50 polls/s.
        assert!(d.edge_rps() < 3.0);
        assert_eq!(d.db_writes_per_s, 0.0);
    }

    #[test]
    fn month_adds_match_days_and_quiet_hours() {
        let s = Scenario::default();
        let day = vec![at(&s, 6000.0, 0.0, 4.0); 360]; // one hour at 10 s steps
        let m = month(&s, &day, 10.0);
        assert_eq!(m.match_hours, 8.0);
        assert_eq!(m.off_peak_hours, 722.0);
        let off = off_peak(&s);
        let expect = day[0].edge_rps() * 3600.0 * 8.0 + off.edge_rps() * 722.0 * 3600.0;
        assert!((m.edge_requests - expect).abs() / expect < 1e-9);
    }
}
