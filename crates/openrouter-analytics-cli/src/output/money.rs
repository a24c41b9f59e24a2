//! Dollar amounts, one way: every amount the tool prints goes through this module.
//!
//! - [`usd`]: tables, detail views and the HTML report: cents with thousands
//!   separators, `$1,234.57`, `-$3.50`; `-0` and a negative that rounds to nothing print
//!   as `$0.00`.
//! - [`price`]: a price per token or per million tokens (and the cost of one request),
//!   where a fraction of a cent matters: `$0.075`, `$15.00`, up to six decimals.
//! - [`plain`]: CSV, full precision: the shortest text that reads back as the same
//!   number, never in exponent form.
//! - [`checked`]: a sum that goes into JSON.
//!
//! A cost comes from the network as a 64-bit float. `1e308` is a valid one and prints
//! as a 309-digit figure; two of them add up to infinity, which prints as `inf`; and
//! far below either, a float stops holding the decimals a price shows. So each of these
//! refuses an amount that is not finite or is [`MAX_USD`] or more in size, with an
//! [`Unprintable`] error value; the command fails with exit 1 before anything reaches
//! stdout or a file. `-f json` without `--by` prints the API's bytes and checks nothing.
//!
//! Rounding is done on the decimal text of the amount (what JSON and CSV show), half
//! away from zero: `1.005` prints as `$1.01` although the float `1.005` is a little
//! less than that, so a table agrees with the CSV a person would round by hand.

use std::fmt;
use std::io;

/// The largest dollar amount printed: $1 trillion. Beyond it a 64-bit float no longer
/// holds the decimals a price shows.
pub const MAX_USD: f64 = 1e12;

/// The most decimals [`price`] shows.
const PRICE_DECIMALS: usize = 6;

/// `value`, if it may be printed as dollars: finite and less than [`MAX_USD`] in size.
pub fn checked(value: f64) -> Result<f64, Unprintable> {
    if value.is_finite() && value.abs() < MAX_USD {
        Ok(value)
    } else {
        Err(Unprintable { value })
    }
}

/// Dollars to the cent with thousands separators: `$1,234.57`.
///
/// ```text
/// usd(1234.565) == Ok("$1,234.57");  usd(-3.5) == Ok("-$3.50");  usd(-0.0) == Ok("$0.00")
/// usd(f64::NAN) == Err(Unprintable { .. })
/// ```
pub fn usd(value: f64) -> Result<String, Unprintable> {
    dollars(checked(value)?, 2, 2)
}

/// A price (per token, per million tokens, of one request): at least two decimals and
/// up to six, trailing zeros past the cents dropped: `$0.075`, `$15.00`, `$0.000125`.
pub fn price(value: f64) -> Result<String, Unprintable> {
    dollars(checked(value)?, 2, PRICE_DECIMALS)
}

/// An amount as CSV holds it: full precision, never in exponent form (`0.0000001`).
pub fn plain(value: f64) -> Result<String, Unprintable> {
    Ok(checked(value)?.to_string())
}

/// `$` and `value` rounded half away from zero to `max` decimals, with at least `min`
/// (trailing zeros past `min` dropped), thousands separated.
fn dollars(value: f64, min: usize, max: usize) -> Result<String, Unprintable> {
    // The shortest text that reads back as `value`: no exponent, every digit there is.
    let text = value.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
    let int_len = int.len();
    let keep = int_len + max;
    if digits.len() > keep {
        let round_up = digits[keep] >= 5;
        digits.truncate(keep);
        if round_up {
            let mut i = keep;
            loop {
                if i == 0 {
                    digits.insert(0, 1);
                    break;
                }
                i -= 1;
                if digits[i] == 9 {
                    digits[i] = 0;
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
    }
    while digits.len() < keep {
        digits.push(0);
    }
    let int_len = digits.len() - max;
    let mut frac: Vec<u8> = digits[int_len..].to_vec();
    while frac.len() > min && frac.last() == Some(&0) {
        frac.pop();
    }
    let int: String = digits[..int_len]
        .iter()
        .map(|d| char::from(b'0' + d))
        .collect();
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac: String = frac.iter().map(|d| char::from(b'0' + d)).collect();
    let zero = digits.iter().all(|d| *d == 0);
    let sign = if value < 0.0 && !zero { "-" } else { "" };
    Ok(format!("{sign}${}.{frac}", group_thousands(int)))
}

/// `1234567` as `1,234,567`.
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A dollar amount in OpenRouter's answer (or a sum of them) that is not finite or
/// is too large to print exactly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unprintable {
    /// The amount.
    pub value: f64,
}

impl fmt::Display for Unprintable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.value.is_finite() {
            format!(
                "is larger than this tool prints exactly ($1,000,000,000,000): {:e}",
                self.value
            )
        } else {
            "is not a finite number".to_string()
        };
        write!(
            f,
            "the answer has a dollar amount (or a sum of them) that {what}; nothing was \
             printed; `-f json` shows the answer as OpenRouter sent it"
        )
    }
}

impl std::error::Error for Unprintable {}

/// An amount that cannot be printed fails the render it is part of, like a write
/// error; [`crate::exit`] tells it apart by its type.
impl From<Unprintable> for io::Error {
    fn from(err: Unprintable) -> Self {
        io::Error::other(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd_ok(value: f64) -> String {
        usd(value).expect("printable")
    }

    #[test]
    fn cents_with_thousands_separators() {
        assert_eq!(usd_ok(0.0), "$0.00");
        assert_eq!(usd_ok(1234.567), "$1,234.57");
        assert_eq!(usd_ok(1014.3), "$1,014.30");
        assert_eq!(usd_ok(673.1812), "$673.18");
        assert_eq!(usd_ok(999.999), "$1,000.00");
        assert_eq!(usd_ok(0.004), "$0.00");
        assert_eq!(usd_ok(123_456_789.0), "$123,456,789.00");
        assert_eq!(usd_ok(999_999_999_999.99), "$999,999,999,999.99");
        assert_eq!(usd_ok(1e-7), "$0.00");
    }

    #[test]
    fn half_a_cent_rounds_away_from_zero_as_written() {
        // 1.005 and 2.675 are a little less than that as floats; the text is what counts.
        assert_eq!(usd_ok(1.005), "$1.01");
        assert_eq!(usd_ok(2.675), "$2.68");
        assert_eq!(usd_ok(0.125), "$0.13");
        assert_eq!(usd_ok(0.135), "$0.14");
        assert_eq!(usd_ok(-0.125), "-$0.13");
        assert_eq!(usd_ok(0.0049999), "$0.00");
        assert_eq!(usd_ok(9.995), "$10.00");
        assert_eq!(usd_ok(99_999.995), "$100,000.00");
    }

    #[test]
    fn negatives_and_negative_zero() {
        assert_eq!(usd_ok(-3.5), "-$3.50");
        assert_eq!(usd_ok(-1234.5), "-$1,234.50");
        assert_eq!(usd_ok(-0.0), "$0.00");
        assert_eq!(usd_ok(-0.004), "$0.00", "nothing left to be negative");
        assert_eq!(price(-0.0).expect("printable"), "$0.00");
    }

    #[test]
    fn prices_keep_a_fraction_of_a_cent() {
        let p = |v: f64| price(v).expect("printable");
        assert_eq!(p(0.075), "$0.075");
        assert_eq!(p(15.0), "$15.00");
        assert_eq!(p(0.3), "$0.30");
        assert_eq!(p(0.000125), "$0.000125");
        assert_eq!(p(0.00000015), "$0.00");
        assert_eq!(p(0.0000005), "$0.000001");
        assert_eq!(p(1234.5), "$1,234.50");
    }

    #[test]
    fn csv_keeps_full_precision() {
        assert_eq!(plain(673.1812).expect("printable"), "673.1812");
        assert_eq!(plain(1e-7).expect("printable"), "0.0000001");
        assert_eq!(plain(0.1 + 0.2).expect("printable"), "0.30000000000000004");
    }

    #[test]
    fn infinity_nan_and_huge_amounts_are_an_error_value() {
        for bad in [
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1e15,
            1e308,
            -1e12,
        ] {
            let err = usd(bad).expect_err("refused");
            assert!(err.value.to_bits() == bad.to_bits(), "{bad}");
            assert!(price(bad).is_err() && plain(bad).is_err() && checked(bad).is_err());
            let text = err.to_string();
            assert!(
                !text.split_whitespace().any(|w| w == "inf" || w == "NaN"),
                "{text}"
            );
            let io: io::Error = err.into();
            assert!(io.get_ref().is_some_and(|e| e.is::<Unprintable>()));
        }
        // Refusing one amount leaves nothing behind for the next.
        assert_eq!(usd_ok(1.0), "$1.00");
        assert!(
            Unprintable {
                value: f64::INFINITY
            }
            .to_string()
            .contains("not a finite number")
        );
        assert!(Unprintable { value: 1e15 }.to_string().contains("1e15"));
    }
}
