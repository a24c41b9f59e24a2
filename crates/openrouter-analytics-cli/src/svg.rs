//! A small SVG writer for the report's charts: stacked bars, horizontal bars and lines,
//! with titles, axes, units and escaped text.
//!
//! Hand-written rather than taken from a plotting crate: the report needs three chart
//! shapes and plain SVG text, and a plotting crate (with its font and image stacks) would
//! cost more build time on a small machine than the whole CLI does.

use std::fmt::Write as _;

use crate::output::money::Unprintable;

/// The Okabe–Ito palette, distinguishable with the common forms of colour blindness;
/// one colour per top model, in rank order. Black comes last: it is the heaviest.
pub const PALETTE: [&str; 8] = [
    "#E69F00", // orange
    "#56B4E9", // sky blue
    "#009E73", // bluish green
    "#F0E442", // yellow
    "#0072B2", // blue
    "#D55E00", // vermillion
    "#CC79A7", // reddish purple
    "#000000", // black
];

/// The colour of the "other" bucket: a neutral grey that no palette colour resembles.
pub const OTHER_COLOUR: &str = "#B0B0B0";

/// The one colour of horizontal bars: they compare one quantity, so colours would
/// only suggest groups that are not there (Okabe-Ito blue).
pub const BAR_COLOUR: &str = "#0072B2";

/// Width of every chart, in CSS pixels (the page scales it down on narrow screens).
pub const WIDTH: f64 = 960.0;

/// Text made safe for HTML and SVG content and attribute values: the five special
/// characters become entities, and control characters (a newline in a key name)
/// become spaces, as in the CLI's tables. Everything else (CJK, emoji) stays as is:
/// the page is UTF-8.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// One named series of values, one per category.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The legend text.
    pub name: String,
    /// A CSS colour.
    pub colour: &'static str,
    /// One value per category (missing ones count as zero).
    pub values: Vec<f64>,
    /// A stroke dash pattern for line charts, so lines differ by more than colour.
    pub dash: Option<&'static str>,
}

/// What every chart has: a title, axis labels with units, and how values are written.
pub struct Frame<'a> {
    /// Shown above the plot and read out by screen readers.
    pub title: &'a str,
    /// Under the horizontal axis, e.g. `Day (UTC)`.
    pub x_label: &'a str,
    /// Beside the vertical axis, e.g. `Spend (USD)`.
    pub y_label: &'a str,
    /// Tick labels and tooltips, formatted as the tables format them.
    pub format: &'a dyn Fn(f64) -> Result<String, Unprintable>,
}

/// The bottom and top of each series' segment in each category, stacked in series
/// order: `result[series][category] = (y0, y1)`. Negative and non-finite values count
/// as zero, since a stack of spend cannot go down.
pub fn stack(series: &[Series], categories: usize) -> Vec<Vec<(f64, f64)>> {
    let mut base = vec![0.0_f64; categories];
    series
        .iter()
        .map(|s| {
            (0..categories)
                .map(|i| {
                    let value = s.values.get(i).copied().unwrap_or(0.0);
                    let value = if value.is_finite() && value > 0.0 {
                        value
                    } else {
                        0.0
                    };
                    let y0 = base[i];
                    base[i] = y0 + value;
                    (y0, base[i])
                })
                .collect()
        })
        .collect()
}

/// An axis from zero to a round number at or above `max`, and its tick step: steps are
/// 1, 2, 2.5 or 5 times a power of ten, about five of them.
pub fn nice_axis(max: f64) -> (f64, f64) {
    if !max.is_finite() || max <= 0.0 {
        return (1.0, 0.25);
    }
    let raw = max / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= raw)
        .unwrap_or(10.0 * magnitude);
    let top = (max / step).ceil() * step;
    (top, step)
}

/// Plot area inside the chart: margins for the title, the tick labels and axis labels.
struct Plot {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
}

impl Plot {
    fn standard(height: f64) -> Self {
        let (left, top, right, bottom) = (110.0, 48.0, 24.0, 64.0);
        Self {
            left,
            top,
            width: WIDTH - left - right,
            height: height - top - bottom,
        }
    }

    fn bottom(&self) -> f64 {
        self.top + self.height
    }

    /// The y coordinate of `value` on an axis from 0 to `axis_top`.
    fn y(&self, value: f64, axis_top: f64) -> f64 {
        self.bottom() - value / axis_top * self.height
    }
}

/// `<svg ...>` with its accessible title and the visible title.
fn open(out: &mut String, frame: &Frame<'_>, height: f64, id: &str) {
    let title = escape(frame.title);
    let _ = write!(
        out,
        "<svg id=\"{id}\" class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title\" \
         width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\">\
         <title id=\"{id}-title\">{title}</title>\
         <text class=\"chart-title\" x=\"{x}\" y=\"24\">{title}</text>",
        x = 12.0,
    );
}

/// The vertical axis: grid lines, tick labels and the rotated axis label.
fn y_axis(
    out: &mut String,
    plot: &Plot,
    frame: &Frame<'_>,
    axis_top: f64,
    step: f64,
) -> Result<(), Unprintable> {
    let ticks = (axis_top / step).round() as usize;
    for i in 0..=ticks {
        let value = step * i as f64;
        let y = plot.y(value, axis_top);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{x1}\" y1=\"{y:.1}\" x2=\"{x2}\" y2=\"{y:.1}\"/>\
             <text class=\"tick\" x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\">{label}</text>",
            x1 = plot.left,
            x2 = plot.left + plot.width,
            tx = plot.left - 8.0,
            ty = y + 4.0,
            label = escape(&(frame.format)(value)?),
        );
    }
    let cy = plot.top + plot.height / 2.0;
    let _ = write!(
        out,
        "<text class=\"axis-label\" transform=\"translate(16 {cy:.1}) rotate(-90)\" \
         text-anchor=\"middle\">{}</text>",
        escape(frame.y_label)
    );
    Ok(())
}

/// The horizontal axis: the baseline, every n-th category's label (at most about ten)
/// and the axis label.
fn x_axis(out: &mut String, plot: &Plot, frame: &Frame<'_>, categories: &[String]) {
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{x1}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\"/>",
        x1 = plot.left,
        x2 = plot.left + plot.width,
        y = plot.bottom(),
    );
    let band = band(plot, categories.len());
    let every = categories.len().div_ceil(10).max(1);
    for (i, label) in categories.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let _ = write!(
            out,
            "<text class=\"tick\" x=\"{x:.1}\" y=\"{y}\" text-anchor=\"middle\">{}</text>",
            escape(label),
            x = plot.left + band * (i as f64 + 0.5),
            y = plot.bottom() + 18.0,
        );
    }
    let _ = write!(
        out,
        "<text class=\"axis-label\" x=\"{x:.1}\" y=\"{y}\" text-anchor=\"middle\">{}</text>",
        escape(frame.x_label),
        x = plot.left + plot.width / 2.0,
        y = plot.bottom() + 44.0,
    );
}

fn band(plot: &Plot, categories: usize) -> f64 {
    plot.width / categories.max(1) as f64
}

/// "No data" in the middle of an empty plot.
fn empty_note(out: &mut String, plot: &Plot) {
    let _ = write!(
        out,
        "<text class=\"empty\" x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\">\
         No data for this period</text>",
        x = plot.left + plot.width / 2.0,
        y = plot.top + plot.height / 2.0,
    );
}

/// Bars stacked per category, one segment per series in series order; each segment
/// and each bar has a tooltip with its value.
pub fn stacked_bars(
    id: &str,
    frame: &Frame<'_>,
    categories: &[String],
    series: &[Series],
) -> Result<String, Unprintable> {
    let height = 400.0;
    let plot = Plot::standard(height);
    let stacks = stack(series, categories.len());
    let max = stacks
        .iter()
        .flat_map(|s| s.iter().map(|(_, y1)| *y1))
        .fold(0.0, f64::max);
    let (axis_top, step) = nice_axis(max);
    let mut out = String::new();
    open(&mut out, frame, height, id);
    y_axis(&mut out, &plot, frame, axis_top, step)?;
    let band = band(&plot, categories.len());
    let bar = (band * 0.8).max(1.0);
    for (i, category) in categories.iter().enumerate() {
        let x = plot.left + band * i as f64 + (band - bar) / 2.0;
        let total: f64 = stacks.last().map(|s| s[i].1).unwrap_or(0.0);
        let _ = write!(
            out,
            "<g><title>{}: {}</title>",
            escape(category),
            escape(&(frame.format)(total)?)
        );
        for (s, segments) in series.iter().zip(&stacks) {
            let (y0, y1) = segments[i];
            if y1 <= y0 {
                continue;
            }
            let top = plot.y(y1, axis_top);
            let h = plot.y(y0, axis_top) - top;
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{top:.1}\" width=\"{bar:.1}\" height=\"{h:.2}\" \
                 fill=\"{}\"><title>{} · {}: {}</title></rect>",
                s.colour,
                escape(category),
                escape(&s.name),
                escape(&(frame.format)(y1 - y0)?),
            );
        }
        out.push_str("</g>");
    }
    if categories.is_empty() || max <= 0.0 {
        empty_note(&mut out, &plot);
    }
    x_axis(&mut out, &plot, frame, categories);
    out.push_str("</svg>");
    Ok(out)
}

/// One line per series over the categories, with a dot (and tooltip) per value.
pub fn lines(
    id: &str,
    frame: &Frame<'_>,
    categories: &[String],
    series: &[Series],
) -> Result<String, Unprintable> {
    let height = 360.0;
    let plot = Plot::standard(height);
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let (axis_top, step) = nice_axis(max);
    let mut out = String::new();
    open(&mut out, frame, height, id);
    y_axis(&mut out, &plot, frame, axis_top, step)?;
    let band = band(&plot, categories.len());
    for s in series {
        let points: Vec<(f64, f64, f64)> = (0..categories.len())
            .map(|i| {
                let value = s.values.get(i).copied().unwrap_or(0.0);
                let value = if value.is_finite() {
                    value.max(0.0)
                } else {
                    0.0
                };
                let x = plot.left + band * (i as f64 + 0.5);
                (x, plot.y(value, axis_top), value)
            })
            .collect();
        let path: Vec<String> = points
            .iter()
            .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
            .collect();
        let dash = s
            .dash
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<g><title>{name}</title><polyline fill=\"none\" stroke=\"{colour}\" \
             stroke-width=\"2.5\"{dash} points=\"{points}\"/>",
            name = escape(&s.name),
            colour = s.colour,
            points = path.join(" "),
        );
        for ((x, y, value), category) in points.iter().zip(categories) {
            let _ = write!(
                out,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"{}\">\
                 <title>{} · {}: {}</title></circle>",
                s.colour,
                escape(category),
                escape(&s.name),
                escape(&(frame.format)(*value)?),
            );
        }
        out.push_str("</g>");
    }
    if categories.is_empty() || max <= 0.0 {
        empty_note(&mut out, &plot);
    }
    x_axis(&mut out, &plot, frame, categories);
    out.push_str("</svg>");
    Ok(out)
}

/// One horizontal bar per item, largest first as given: the label above each bar (so
/// long names need no width guessing), the value text at its end.
pub fn horizontal_bars(
    id: &str,
    frame: &Frame<'_>,
    items: &[(String, f64, String)],
) -> Result<String, Unprintable> {
    let row = 40.0;
    let (left, top, right, bottom) = (24.0, 48.0, 200.0, 56.0);
    let height = top + bottom + row * items.len().max(1) as f64;
    let plot = Plot {
        left,
        top,
        width: WIDTH - left - right,
        height: row * items.len().max(1) as f64,
    };
    let max = items
        .iter()
        .map(|(_, v, _)| *v)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let (axis_top, step) = nice_axis(max);
    let mut out = String::new();
    open(&mut out, frame, height, id);
    // Vertical grid lines with value ticks along the bottom.
    let ticks = (axis_top / step).round() as usize;
    for i in 0..=ticks {
        let value = step * i as f64;
        let x = plot.left + value / axis_top * plot.width;
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{x:.1}\" y1=\"{y1}\" x2=\"{x:.1}\" y2=\"{y2}\"/>\
             <text class=\"tick\" x=\"{x:.1}\" y=\"{ty}\" text-anchor=\"middle\">{}</text>",
            escape(&(frame.format)(value)?),
            y1 = plot.top,
            y2 = plot.bottom(),
            ty = plot.bottom() + 18.0,
        );
    }
    for (i, (label, value, text)) in items.iter().enumerate() {
        let y = plot.top + row * i as f64;
        let value = if value.is_finite() {
            value.max(0.0)
        } else {
            0.0
        };
        let w = value / axis_top * plot.width;
        let _ = write!(
            out,
            "<g><title>{label}: {text}</title>\
             <text class=\"bar-label\" x=\"{x}\" y=\"{ly:.1}\">{label}</text>\
             <rect x=\"{x}\" y=\"{by:.1}\" width=\"{w:.2}\" height=\"16\" fill=\"{BAR_COLOUR}\"/>\
             <text class=\"value\" x=\"{vx:.1}\" y=\"{vy:.1}\">{text}</text></g>",
            label = escape(label),
            text = escape(text),
            x = plot.left,
            ly = y + 14.0,
            by = y + 19.0,
            vx = plot.left + w + 6.0,
            vy = y + 32.0,
        );
    }
    if items.is_empty() || max <= 0.0 {
        empty_note(&mut out, &plot);
    }
    let _ = write!(
        out,
        "<text class=\"axis-label\" x=\"{x:.1}\" y=\"{y}\" text-anchor=\"middle\">{}</text>",
        escape(frame.x_label),
        x = plot.left + plot.width / 2.0,
        y = plot.bottom() + 44.0,
    );
    out.push_str("</svg>");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(name: &str, values: &[f64]) -> Series {
        Series {
            name: name.into(),
            colour: PALETTE[0],
            values: values.to_vec(),
            dash: None,
        }
    }

    fn money(v: f64) -> Result<String, Unprintable> {
        Ok(format!("${v:.2}"))
    }

    fn frame(title: &str) -> Frame<'_> {
        Frame {
            title,
            x_label: "Day (UTC)",
            y_label: "Spend (USD)",
            format: &money,
        }
    }

    #[test]
    fn escaping_covers_markup_quotes_and_control_characters() {
        assert_eq!(escape(r#"<script>&"'"#), "&lt;script&gt;&amp;&quot;&#39;");
        assert_eq!(escape("a\nb\u{7}"), "a b ");
        assert_eq!(escape("模型 🚀 é"), "模型 🚀 é");
    }

    #[test]
    fn stacking_puts_each_segment_on_the_one_below() {
        let stacks = stack(
            &[
                series("a", &[1.0, 2.0]),
                series("b", &[0.5]),
                series("c", &[-3.0, f64::NAN]),
                series("d", &[2.0, 1.0]),
            ],
            2,
        );
        assert_eq!(stacks[0], [(0.0, 1.0), (0.0, 2.0)]);
        // A missing value is zero.
        assert_eq!(stacks[1], [(1.0, 1.5), (2.0, 2.0)]);
        // Negative and NaN values do not pull the stack down.
        assert_eq!(stacks[2], [(1.5, 1.5), (2.0, 2.0)]);
        assert_eq!(stacks[3], [(1.5, 3.5), (2.0, 3.0)]);
        assert!(stack(&[], 3).is_empty());
    }

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_axis(0.0), (1.0, 0.25));
        assert_eq!(nice_axis(f64::NAN), (1.0, 0.25));
        assert_eq!(nice_axis(10.0), (10.0, 2.0));
        assert_eq!(nice_axis(7.3), (8.0, 2.0));
        let (top, step) = nice_axis(0.0123);
        assert!(top >= 0.0123 && (top / step).round() <= 6.0, "{top} {step}");
        let (top, step) = nice_axis(4_800_000.0);
        assert_eq!((top, step), (5_000_000.0, 1_000_000.0));
    }

    #[test]
    fn charts_escape_names_and_keep_their_size_attributes() {
        let categories = vec!["2026-11-01".to_string(), "2026-11-02".to_string()];
        let evil = series("<b>\"x\" & 'y'</b>", &[1.0, 2.0]);
        for svg in [
            stacked_bars(
                "c1",
                &frame("Spend <daily>"),
                &categories,
                std::slice::from_ref(&evil),
            )
            .expect("printable"),
            lines(
                "c2",
                &frame("Spend <daily>"),
                &categories,
                std::slice::from_ref(&evil),
            )
            .expect("printable"),
            horizontal_bars(
                "c3",
                &frame("Spend <daily>"),
                &[(evil.name.clone(), 1.0, "$1 & more".into())],
            )
            .expect("printable"),
        ] {
            assert!(svg.starts_with("<svg id=\"c"), "{svg}");
            assert!(svg.contains("width=\"960\" height=\""), "{svg}");
            assert!(svg.ends_with("</svg>"));
            assert!(!svg.contains("<b>"), "{svg}");
            assert!(svg.contains("&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"));
            assert!(svg.contains("Spend &lt;daily&gt;"));
            assert!(!svg.contains("No data"));
        }
    }

    #[test]
    fn stacked_bars_draw_one_segment_per_nonzero_value_and_total_tooltips() {
        let categories = vec!["d1".to_string(), "d2".to_string()];
        let svg = stacked_bars(
            "c",
            &frame("t"),
            &categories,
            &[series("a", &[1.0, 0.0]), series("b", &[0.25, 2.0])],
        )
        .expect("printable");
        assert_eq!(svg.matches("<rect").count(), 3, "{svg}");
        assert!(svg.contains("<title>d1: $1.25</title>"), "{svg}");
        assert!(svg.contains("<title>d2 · b: $2.00</title>"), "{svg}");
        // The axis reaches the tallest stack (2.0) with round ticks.
        assert!(svg.contains(">$2.00</text>"), "{svg}");
    }

    #[test]
    fn empty_data_still_draws_axes_and_says_so() {
        for svg in [
            stacked_bars("e1", &frame("t"), &[], &[]).expect("printable"),
            lines("e2", &frame("t"), &[], &[]).expect("printable"),
            horizontal_bars("e3", &frame("t"), &[]).expect("printable"),
        ] {
            assert!(svg.contains("No data for this period"), "{svg}");
            assert!(svg.contains("Spend (USD)") || svg.contains("Day (UTC)"));
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        }
    }
}
