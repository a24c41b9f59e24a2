//! Dollar amounts this tool is willing to print.
//!
//! A cost comes from the network as a 64-bit float. `1e308` is a valid one and prints
//! as a 309-digit figure; two of them add up to infinity, which prints as `inf`; and
//! far below either, a float stops holding the four decimals the tables show. So every
//! amount printed in a table, in CSV or in the HTML report, or summed into JSON, goes
//! through [`printable`]: finite and less than [`MAX_USD`] in size. One that is not is
//! remembered, and [`check`] (run after rendering, before anything reaches stdout or a
//! file) fails the command with exit 1. `-f json` without `--by` prints the API's bytes
//! and checks nothing.

use std::cell::Cell;
use std::fmt;
use std::io;

/// The largest dollar amount printed: $1 trillion. Beyond it a 64-bit float no longer
/// holds the four decimals a table shows.
pub const MAX_USD: f64 = 1e12;

thread_local! {
    /// The first amount [`printable`] refused since the last [`check`]. Rendering runs
    /// on the main thread (the runtime is single-threaded).
    static REFUSED: Cell<Option<f64>> = const { Cell::new(None) };
}

/// Whether `value` may be printed as dollars; if not, it is remembered for [`check`].
///
/// ```text
/// printable(12.5) == true;  printable(1e308) == false;  printable(f64::INFINITY) == false
/// ```
pub fn printable(value: f64) -> bool {
    let ok = value.is_finite() && value.abs() < MAX_USD;
    if !ok {
        REFUSED.with(|refused| {
            if refused.get().is_none() {
                refused.set(Some(value));
            }
        });
    }
    ok
}

/// `value`, after noting whether it is [`printable`]: for sums that go into JSON.
pub fn checked(value: f64) -> f64 {
    printable(value);
    value
}

/// Fails with [`Unprintable`] when an amount rendered since the last call was not
/// [`printable`]; either way, starts afresh.
pub fn check() -> io::Result<()> {
    match REFUSED.with(Cell::take) {
        Some(value) => Err(io::Error::other(Unprintable { value })),
        None => Ok(()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finite_amounts_below_a_trillion_pass() {
        assert!(printable(0.0) && printable(-2.5) && printable(999_999_999_999.0));
        assert!(check().is_ok());
    }

    #[test]
    fn infinity_nan_and_huge_amounts_fail_the_next_check_once() {
        for bad in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 1e308, -1e12] {
            assert!(!printable(bad), "{bad}");
            let err = check().expect_err("refused");
            let text = err.to_string();
            assert!(
                !text.split_whitespace().any(|w| w == "inf" || w == "NaN"),
                "{text}"
            );
            assert!(err.get_ref().is_some_and(|e| e.is::<Unprintable>()));
            assert!(check().is_ok(), "reset after the check");
        }
        assert!(
            Unprintable {
                value: f64::INFINITY
            }
            .to_string()
            .contains("not a finite number")
        );
        assert!(Unprintable { value: 1e308 }.to_string().contains("1e308"));
    }
}
