//! The match-day profile: the share of `peak_concurrent_fans` online at each
//! moment, from the pre-game ramp through kickoff, goal bursts, half time and
//! the post-game decay. Time is in seconds relative to kickoff.

use super::scenario::MatchDay;

/// Minutes of the first half, the half-time break and the second half.
pub const FIRST_HALF_MIN: f64 = 45.0;
pub const HALF_TIME_MIN: f64 = 15.0;
pub const SECOND_HALF_MIN: f64 = 45.0;
/// Kickoff to full time, minutes.
pub const MATCH_MIN: f64 = FIRST_HALF_MIN + HALF_TIME_MIN + SECOND_HALF_MIN;
/// Quiet minutes simulated before the ramp and after the decay.
pub const MARGIN_MIN: f64 = 10.0;

/// One step of the profile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Seconds from kickoff (negative before).
    pub t_s: f64,
    /// Share of peak fans online, 0–1.
    pub share: f64,
    /// Share of peak fans arriving per second (new page loads).
    pub arrival_share_per_s: f64,
    /// Inside a goal burst (commentary writes at the burst rate).
    pub burst: bool,
}

/// First and last simulated second.
pub fn window_s(md: &MatchDay) -> (f64, f64) {
    let start = -(md.pre_game_ramp_minutes + MARGIN_MIN) * 60.0;
    let end = (MATCH_MIN + md.post_game_decay_minutes + MARGIN_MIN) * 60.0;
    (start, end)
}

/// Clock seconds (from kickoff) at which each goal burst starts: bursts are
/// spread evenly over the 90 minutes of play.
pub fn burst_starts_s(md: &MatchDay) -> Vec<f64> {
    let n = md.goal_bursts;
    (0..n)
        .map(|k| {
            let play_min = (FIRST_HALF_MIN + SECOND_HALF_MIN) * (f64::from(k) + 0.5) / f64::from(n);
            let clock_min = if play_min < FIRST_HALF_MIN {
                play_min
            } else {
                play_min + HALF_TIME_MIN
            };
            clock_min * 60.0
        })
        .collect()
}

/// Linear interpolation from `a` to `b` as `x` goes 0 → 1 (clamped).
fn lerp(a: f64, b: f64, x: f64) -> f64 {
    a + (b - a) * x.clamp(0.0, 1.0)
}

/// Share of peak fans online at `t_s`, and whether a goal burst is on.
pub fn share_at(md: &MatchDay, off_peak_share: f64, t_s: f64) -> (f64, bool) {
    share_with_bursts(md, &burst_starts_s(md), off_peak_share, t_s)
}

/// [`share_at`] with the burst starts computed once by the caller.
fn share_with_bursts(md: &MatchDay, bursts: &[f64], off_peak_share: f64, t_s: f64) -> (f64, bool) {
    let ramp_s = md.pre_game_ramp_minutes * 60.0;
    let spike = md.kickoff_spike_seconds;
    let half_start = FIRST_HALF_MIN * 60.0;
    let second_start = (FIRST_HALF_MIN + HALF_TIME_MIN) * 60.0;
    let full_time = MATCH_MIN * 60.0;
    let decay_s = md.post_game_decay_minutes * 60.0;

    let in_burst = bursts.iter().any(|&b| t_s >= b && t_s < b + md.goal_burst_seconds);
    if in_burst {
        return (1.0, true);
    }
    let pre = md.pre_kickoff_share.max(off_peak_share);
    let share = if t_s < -ramp_s {
        off_peak_share
    } else if t_s < 0.0 {
        if ramp_s == 0.0 {
            pre
        } else {
            lerp(off_peak_share, pre, (t_s + ramp_s) / ramp_s)
        }
    } else if t_s < half_start {
        lerp(pre, md.in_play_share, t_s / spike)
    } else if t_s < second_start {
        md.half_time_share
    } else if t_s < full_time {
        lerp(md.half_time_share, md.in_play_share, (t_s - second_start) / spike)
    } else if decay_s > 0.0 {
        lerp(md.in_play_share, off_peak_share, (t_s - full_time) / decay_s)
    } else {
        off_peak_share
    };
    (share.max(off_peak_share), false)
}

/// The profile sampled every `step_s` seconds over [`window_s`].
pub fn series(md: &MatchDay, off_peak_share: f64, step_s: f64) -> Vec<Point> {
    let (start, end) = window_s(md);
    let steps = ((end - start) / step_s).ceil() as u32;
    let bursts = burst_starts_s(md);
    let mut prev = share_with_bursts(md, &bursts, off_peak_share, start - step_s).0;
    (0..steps)
        .map(|i| {
            let t_s = start + f64::from(i) * step_s;
            let (share, burst) = share_with_bursts(md, &bursts, off_peak_share, t_s);
            let arrival_share_per_s = (share - prev).max(0.0) / step_s;
            prev = share;
            Point {
                t_s,
                share,
                arrival_share_per_s,
                burst,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_profile_shape() {
        let md = MatchDay::default();
        let off = 0.02;
        assert_eq!(share_at(&md, off, -3600.0).0, off);
        assert!((share_at(&md, off, -1.0).0 - 0.3).abs() < 0.01);
        assert!((share_at(&md, off, 120.0).0 - 0.85).abs() < 1e-12);
        assert_eq!(share_at(&md, off, 50.0 * 60.0).0, 0.5);
        // The first burst sits at play minute 15.
        assert_eq!(share_at(&md, off, 15.0 * 60.0 + 10.0), (1.0, true));
        assert!((share_at(&md, off, 200.0 * 60.0).0 - off).abs() < 1e-12);
    }

    #[test]
    fn bursts_skip_half_time() {
        let md = MatchDay {
            goal_bursts: 2,
            ..MatchDay::default()
        };
        assert_eq!(burst_starts_s(&md), vec![22.5 * 60.0, 82.5 * 60.0]);
    }

    #[test]
    fn series_counts_arrivals_only_when_the_audience_grows() {
        let md = MatchDay::default();
        let pts = series(&md, 0.02, 10.0);
        let kickoff = pts.iter().position(|p| p.t_s >= 0.0).unwrap();
        // Kickoff spike: 0.3 at t = 0 → 0.85 at t = 60 s, over the six steps after kickoff.
        let spike: f64 = pts[kickoff + 1..=kickoff + 6]
            .iter()
            .map(|p| p.arrival_share_per_s * 10.0)
            .sum();
        assert!((spike - 0.55).abs() < 0.01, "{spike}");
        assert!(pts.iter().all(|p| p.arrival_share_per_s >= 0.0));
        assert_eq!(pts.len(), ((150.0 + 20.0) * 6.0) as usize);
    }
}
