//! Figures grouped into series, one per (what, place) pair: pure logic, no I/O.

use chrono::{DateTime, Utc};

use crate::db::figures::FigureRow;

/// The figures reported for one (what, place) pair, oldest first. Never empty:
/// series are only made by [`group`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    points: Vec<FigureRow>,
}

/// How the latest figure of a series differs from the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    /// Latest minus previous: negative when the count went down.
    pub by: i64,
    pub previous: i64,
    /// When the previous figure was posted.
    pub since: DateTime<Utc>,
}

/// Groups figures into series ordered by (what, place), each oldest first.
/// Rows may come in any order; ties in time are broken by update id.
pub fn group(mut rows: Vec<FigureRow>) -> Vec<Series> {
    // Already in this order from `db::figures::for_story`, where the stable
    // sort costs one pass; sorting here keeps the function honest for any input.
    rows.sort_by(|a, b| {
        (&a.what, &a.place, a.posted_at, a.id).cmp(&(&b.what, &b.place, b.posted_at, b.id))
    });
    let mut series: Vec<Series> = Vec::new();
    for row in rows {
        match series.last_mut() {
            Some(last) if last.what() == row.what && last.place() == row.place.as_deref() => {
                last.points.push(row);
            }
            _ => series.push(Series { points: vec![row] }),
        }
    }
    series
}

impl Series {
    /// What was counted.
    pub fn what(&self) -> &str {
        &self.latest().what
    }

    /// Where, when the figure is for one place.
    pub fn place(&self) -> Option<&str> {
        self.latest().place.as_deref()
    }

    /// Every figure of the series, oldest first.
    pub fn points(&self) -> &[FigureRow] {
        &self.points
    }

    /// The first figure reported.
    pub fn first(&self) -> &FigureRow {
        self.points.first().expect("a series is never empty")
    }

    /// The figure that stands now, with its source and update.
    pub fn latest(&self) -> &FigureRow {
        self.points.last().expect("a series is never empty")
    }

    /// The change since the previous figure; `None` for a single figure.
    pub fn change(&self) -> Option<Change> {
        let [.., previous, latest] = self.points.as_slice() else {
            return None;
        };
        Some(Change {
            by: latest.number - previous.number,
            previous: previous.number,
            since: previous.posted_at,
        })
    }
}

#[cfg(test)]
pub(super) mod tests {
    use chrono::TimeZone;

    use super::*;

    /// A figure posted at `hh:mm` UTC on the demo strike day.
    pub fn figure(
        id: i64,
        hh_mm: (u32, u32),
        number: i64,
        what: &str,
        place: Option<&str>,
    ) -> FigureRow {
        FigureRow {
            id,
            posted_at: Utc
                .with_ymd_and_hms(2016, 1, 12, hh_mm.0, hh_mm.1, 0)
                .unwrap(),
            number,
            what: what.into(),
            place: place.map(Into::into),
            source: format!("Source {id}"),
        }
    }

    #[test]
    fn figures_group_by_what_and_place_in_time_order() {
        let rows = vec![
            figure(4, (14, 50), 4000, "operations cancelled", None),
            figure(1, (8, 0), 3500, "operations cancelled", None),
            figure(2, (9, 0), 12, "operations cancelled", Some("Halifax")),
            figure(3, (10, 0), 100, "picket lines", None),
        ];
        let series = group(rows);
        let keys: Vec<_> = series.iter().map(|s| (s.what(), s.place())).collect();
        assert_eq!(
            keys,
            [
                ("operations cancelled", None),
                ("operations cancelled", Some("Halifax")),
                ("picket lines", None),
            ]
        );
        let ids: Vec<i64> = series[0].points().iter().map(|p| p.id).collect();
        assert_eq!(ids, [1, 4]);
        assert_eq!(series[0].first().number, 3500);
        assert_eq!(series[0].latest().source, "Source 4");
    }

    #[test]
    fn change_compares_the_latest_figure_with_the_one_before() {
        let series = group(vec![
            figure(1, (8, 0), 3000, "beds", None),
            figure(2, (11, 0), 3500, "beds", None),
            figure(3, (14, 0), 3200, "beds", None),
        ]);
        let change = series[0].change().unwrap();
        assert_eq!(change.by, -300);
        assert_eq!(change.previous, 3500);
        assert_eq!(change.since, series[0].points()[1].posted_at);
    }

    #[test]
    fn a_single_figure_has_no_change() {
        let series = group(vec![figure(1, (8, 0), 3000, "beds", None)]);
        assert_eq!(series[0].change(), None);
    }

    #[test]
    fn figures_posted_at_the_same_time_follow_their_update_ids() {
        let series = group(vec![
            figure(9, (8, 0), 20, "beds", None),
            figure(5, (8, 0), 10, "beds", None),
        ]);
        assert_eq!(series[0].latest().id, 9);
        assert_eq!(series[0].change().unwrap().by, 10);
    }

    #[test]
    fn no_figures_make_no_series() {
        assert!(group(Vec::new()).is_empty());
    }
}
