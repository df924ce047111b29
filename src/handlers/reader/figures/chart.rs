//! A series drawn as a small inline SVG line chart, built on the server so the
//! browser needs no script and no chart library.
//!
//! The markup holds numbers only: what the chart shows is said in HTML beside
//! it (escaped by askama) and tied to it with `aria-labelledby`.

use std::fmt::Write;

use super::series::Series;
use crate::content::SafeHtml;
use crate::db::figures::FigureRow;

/// The drawing's coordinate box; CSS decides the size it is shown at.
const WIDTH: f64 = 200.0;
const HEIGHT: f64 = 48.0;
/// Room around the line so the dot and round line caps are not clipped.
const PAD: f64 = 4.0;
/// The site's accent colour (`--accent`): 8.3:1 against white, well above
/// the 3:1 that WCAG asks of graphics. A presentation attribute, not CSS, so
/// the chart keeps its colours wherever the markup is shown.
const STROKE: &str = "#0b4f8a";
/// The zero line, decoration only.
const BASELINE: &str = "#d6d6d6";

/// The id of the HTML element that describes the chart of `series`: unique
/// on a page because an update belongs to one series only.
pub fn label_id(series: &Series) -> String {
    format!("figures-chart-{}", series.latest().id)
}

/// The chart of `series`: a line through its figures over time with a dot on
/// the latest one, or just the dot for a single figure.
pub fn sparkline(series: &Series) -> SafeHtml {
    let points = plot(series.points());
    let mut svg = format!(
        r#"<svg class="figures-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{}">"#,
        label_id(series)
    );
    let base = HEIGHT - PAD;
    write!(
        svg,
        r#"<line x1="{PAD}" y1="{base}" x2="{x2}" y2="{base}" stroke="{BASELINE}" stroke-width="1"/>"#,
        x2 = WIDTH - PAD
    )
    .expect("writing to a String");
    if points.len() > 1 {
        let coords: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        write!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{STROKE}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>"#,
            coords.join(" ")
        )
        .expect("writing to a String");
    }
    let (x, y) = points.last().expect("a series is never empty");
    write!(
        svg,
        r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{STROKE}"/></svg>"#
    )
    .expect("writing to a String");
    SafeHtml::from_trusted_markup(svg)
}

/// Each figure's (x, y) in the drawing: x by time, y from zero up to the
/// series' highest figure. Zero-based because a chart that starts at the
/// lowest figure makes a rise from 3,500 to 4,000 look like a tenfold jump.
fn plot(points: &[FigureRow]) -> Vec<(f64, f64)> {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Vec::new();
    };
    let max = points.iter().map(|p| p.number).max().unwrap_or(0);
    let span = (last.posted_at - first.posted_at).num_seconds() as f64;
    let inner_width = WIDTH - 2.0 * PAD;
    let inner_height = HEIGHT - 2.0 * PAD;
    points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let share = if span > 0.0 {
                (p.posted_at - first.posted_at).num_seconds() as f64 / span
            } else if points.len() > 1 {
                // All posted at one moment: spread them out in update order.
                i as f64 / (points.len() - 1) as f64
            } else {
                0.5
            };
            let height = if max > 0 {
                p.number as f64 / max as f64
            } else {
                0.0
            };
            (
                PAD + share * inner_width,
                HEIGHT - PAD - height * inner_height,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::series::{group, tests::figure};
    use super::*;

    #[test]
    fn a_series_is_a_line_rising_left_to_right_ending_in_a_dot() {
        let series = &group(vec![
            figure(7, (8, 0), 2000, "beds", None),
            figure(8, (14, 0), 4000, "beds", None),
        ])[0];
        let svg = sparkline(series).into_string();
        assert!(svg.starts_with(r#"<svg class="figures-chart" viewBox="0 0 200 48" role="img" aria-labelledby="figures-chart-8""#), "{svg}");
        assert!(svg.contains(r#"points="4.0,24.0 196.0,4.0""#), "{svg}");
        assert!(svg.contains(r#"<circle cx="196.0" cy="4.0""#), "{svg}");
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn a_single_figure_is_a_dot_in_the_middle() {
        let series = &group(vec![figure(1, (8, 0), 100, "picket lines", None)])[0];
        let svg = sparkline(series).into_string();
        assert!(!svg.contains("<polyline"), "{svg}");
        assert!(svg.contains(r#"<circle cx="100.0" cy="4.0""#), "{svg}");
    }

    #[test]
    fn the_chart_carries_no_text_from_the_figures() {
        let series = &group(vec![figure(1, (8, 0), 0, "<script>\"beds\"", Some("A&E"))])[0];
        let svg = sparkline(series).into_string();
        assert!(!svg.contains("script") && !svg.contains("beds") && !svg.contains("A&E"));
        // Zero everywhere sits on the baseline rather than dividing by zero.
        assert!(svg.contains(r#"cy="44.0""#), "{svg}");
    }

    #[test]
    fn figures_posted_together_are_spread_in_update_order() {
        let series = &group(vec![
            figure(1, (8, 0), 10, "beds", None),
            figure(2, (8, 0), 20, "beds", None),
            figure(3, (8, 0), 20, "beds", None),
        ])[0];
        let xs: Vec<f64> = plot(series.points()).iter().map(|(x, _)| *x).collect();
        assert_eq!(xs, [4.0, 100.0, 196.0]);
    }
}
