//! Number formatting shared by every layer: money, counts with thousands
//! separators, fan counts and unit prices. Pure; imports nothing of the crate.

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    grouped
}

/// A count and its noun, singular for one: `1 task`, `2 tasks`, `12,000 fans`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// Dollars and cents with thousands separators: `$1,234,567.89`, `-$0.50`.
pub fn money(usd: f64) -> String {
    let total_cents = (usd.abs() * 100.0).round() as u64;
    format!(
        "{}${}.{:02}",
        if usd < 0.0 { "-" } else { "" },
        thousands(total_cents / 100),
        total_cents % 100
    )
}

/// Dollars rounded for display: whole dollars from `whole_from` (with
/// thousands separators from $1,000), cents below. Charts use
/// `whole_from = 10` (`$1,234`, `$57`, `$3.20`); the planner's cards 100.
pub fn money_rounded(usd: f64, whole_from: f64) -> String {
    if usd.abs() >= 1000.0 {
        let whole = usd.round() as i64;
        let sign = if whole < 0 { "-" } else { "" };
        format!("{sign}${}", thousands(whole.unsigned_abs()))
    } else if usd.abs() >= whole_from {
        format!("${usd:.0}")
    } else {
        format!("${usd:.2}")
    }
}

/// `1k`, `250k`, `2.5M` for fan counts on chart axes.
pub fn fans(v: f64) -> String {
    if v >= 1e6 {
        format!("{}M", trim(v / 1e6))
    } else if v >= 1e3 {
        format!("{}k", trim(v / 1e3))
    } else {
        format!("{v:.0}")
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// A number as a person writes it: thousands separators on whole numbers
/// from 10,000 (`100,000,000`), the shortest exact text otherwise (`0.05`,
/// `1500`). For rules and ranges in messages and docs.
pub fn number(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() >= 10_000.0 && v.abs() < 1e18 {
        let sign = if v < 0.0 { "-" } else { "" };
        format!("{sign}{}", thousands(v.abs() as u64))
    } else {
        format!("{v}")
    }
}

/// `text` as a number, exactly as `text.parse::<f64>().ok()` reads it.
///
/// In the browser the decimal-to-binary step is JavaScript's `parseFloat`
/// (correctly rounded in every current engine, as Rust's is) on text that
/// has already passed Rust's float grammar: Rust's own conversion carries an
/// 11 KB table of powers of five, 11 KB of the bundle's brotli budget
/// (docs/performance.md). A browser test compares the two.
pub fn parse_f64(text: &str) -> Option<f64> {
    #[cfg(target_arch = "wasm32")]
    return browser_parse_f64(text);
    #[cfg(not(target_arch = "wasm32"))]
    text.parse().ok()
}

/// Rust's float grammar (`[+-]` then `inf`, `infinity`, `nan` in any case,
/// or digits with at most one `.` and an optional `e[+-]digits`) checked
/// here, the value from `parseFloat`.
#[cfg(target_arch = "wasm32")]
fn browser_parse_f64(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let sign = if text.starts_with('-') { -1.0 } else { 1.0 };
    if ["inf", "infinity"].iter().any(|w| unsigned.eq_ignore_ascii_case(w)) {
        return Some(sign * f64::INFINITY);
    }
    if unsigned.eq_ignore_ascii_case("nan") {
        return Some(sign * f64::NAN);
    }
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mantissa_ok =
        (int.is_empty() || digits(int)) && (frac.is_empty() || digits(frac)) && int.len() + frac.len() > 0;
    (mantissa_ok && exponent.is_none_or(digits)).then(|| js_sys::parse_float(text))
}

/// A unit price (USD) in plain decimal notation, rounded to 12 significant
/// digits so that a price times a factor (`0.01 × 1e-4`) prints as
/// `0.000001`, not `0.0000010000000000000002`.
pub fn unit_price(usd: f64) -> String {
    if !usd.is_finite() || usd == 0.0 {
        return format!("{usd}");
    }
    let rounded = parse_f64(&format!("{usd:.11e}")).unwrap_or(usd);
    format!("{rounded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(1234567.891), "$1,234,567.89");
        assert_eq!(money(0.5), "$0.50");
        assert_eq!(money(999.999), "$1,000.00");
        assert_eq!(money(12.0), "$12.00");
        assert_eq!(money(-3.5), "-$3.50");
    }

    #[test]
    fn rounded_money_and_fans() {
        assert_eq!(money_rounded(1234.4, 10.0), "$1,234");
        assert_eq!(money_rounded(12.3, 10.0), "$12");
        assert_eq!(money_rounded(1.234, 10.0), "$1.23");
        assert_eq!(money_rounded(57.0, 100.0), "$57.00");
        assert_eq!(money_rounded(-1500.0, 100.0), "-$1,500");
        assert_eq!(fans(1000.0), "1k");
        assert_eq!(fans(2_500_000.0), "2.5M");
        assert_eq!(fans(999.0), "999");
    }

    #[test]
    fn numbers_and_unit_prices_print_sanely() {
        assert_eq!(number(100_000_000.0), "100,000,000");
        assert_eq!(number(1500.0), "1500");
        assert_eq!(number(0.05), "0.05");
        assert_eq!(number(1e7), "10,000,000");
        assert_eq!(unit_price(0.01 * 1e-4), "0.000001");
        assert_eq!(unit_price(0.004 * 1e-4), "0.0000004");
        assert_eq!(unit_price(0.03238), "0.03238");
        assert_eq!(unit_price(3.0), "3");
        assert_eq!(unit_price(0.0), "0");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_000), "1,000");
    }
}
