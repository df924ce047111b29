//! The figures panel of a story page: the latest figure of each series, its
//! source, its change and its chart. Rendered by `reader/_figures.html`,
//! which the story page includes with the panel bound to `figures`.

use super::chart;
use super::series::Series;
use crate::db::{self, stories::StoryRow};
use crate::error::AppResult;
use crate::urls;

/// Every series of a story's figures, ready for `reader/_figures.html`.
#[derive(Debug, Clone)]
pub struct FiguresPanel {
    pub story_slug: String,
    pub series: Vec<SeriesView>,
}

/// One series as the panel shows it.
#[derive(Debug, Clone)]
pub struct SeriesView {
    pub series: Series,
    /// The inline SVG chart, labelled by the element with id [`Self::label_id`].
    pub chart: crate::content::SafeHtml,
    pub label_id: String,
}

/// The figures panel of a published story (empty when it has no figures).
pub async fn figures_panel(conn: &mut db::Connection, story: &StoryRow) -> AppResult<FiguresPanel> {
    let series = super::story_series(conn, story.id).await?;
    Ok(FiguresPanel::new(&story.slug, series))
}

impl FiguresPanel {
    /// The panel for these series of the story `story_slug`.
    pub fn new(story_slug: &str, series: Vec<Series>) -> FiguresPanel {
        let series = series
            .into_iter()
            .map(|series| SeriesView {
                chart: chart::sparkline(&series),
                label_id: chart::label_id(&series),
                series,
            })
            .collect();
        FiguresPanel {
            story_slug: story_slug.to_owned(),
            series,
        }
    }

    /// True when the story has no figures: the page then leaves the panel out.
    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// Where update `id` is on the story's page.
    pub fn update_path(&self, id: &i64) -> String {
        urls::update(&self.story_slug, *id)
    }
}

#[cfg(test)]
mod tests {
    use askama::Template;
    use scraper::{Html, Selector};

    use super::super::series::{group, tests::figure};
    use super::*;
    use crate::filters;

    /// The partial on its own, bound to `figures` as on the story page.
    #[derive(Template)]
    #[template(path = "reader/_figures.html")]
    struct Partial<'a> {
        figures: &'a FiguresPanel,
    }

    fn render(rows: Vec<crate::db::figures::FigureRow>) -> Html {
        let panel = FiguresPanel::new("strike-live", group(rows));
        Html::parse_fragment(&Partial { figures: &panel }.render().unwrap())
    }

    fn texts(html: &Html, selector: &str) -> Vec<String> {
        let selector = Selector::parse(selector).unwrap();
        html.select(&selector)
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    fn attrs(html: &Html, selector: &str, attribute: &str) -> Vec<String> {
        let selector = Selector::parse(selector).unwrap();
        html.select(&selector)
            .filter_map(|e| e.value().attr(attribute).map(str::to_owned))
            .collect()
    }

    #[test]
    fn the_panel_shows_each_series_latest_figure_change_and_chart() {
        let html = render(vec![
            figure(3, (8, 0), 3500, "operations cancelled", None),
            figure(5, (11, 0), 3500, "operations cancelled", None),
            figure(9, (14, 50), 4000, "operations cancelled", None),
            figure(4, (9, 0), 100, "picket lines", Some("Halifax")),
        ]);
        assert_eq!(
            texts(&html, "section.figures-panel h2#figures-heading"),
            ["Figures"]
        );
        assert_eq!(texts(&html, ".figures-number"), ["4,000", "100"]);
        assert_eq!(
            texts(&html, ".figures-what"),
            ["operations cancelled", "picket lines"]
        );
        assert_eq!(texts(&html, ".figures-place"), ["Halifax"]);
        assert_eq!(texts(&html, ".figures-change"), ["up 500 since 11:00"]);
        assert_eq!(
            texts(&html, ".figures-source"),
            ["Source: Source 9", "Source: Source 4"]
        );
        assert_eq!(
            texts(&html, ".figures-update"),
            ["Reported at 14:50", "Reported at 09:00"]
        );
        assert_eq!(
            attrs(&html, ".figures-update a", "href"),
            [
                "/news/strike-live?update=9#update-9",
                "/news/strike-live?update=4#update-4"
            ]
        );
        // Each chart is named by the escaped HTML text it points at.
        assert_eq!(
            attrs(&html, "svg[role=img]", "aria-labelledby"),
            ["figures-chart-9", "figures-chart-4"]
        );
        assert_eq!(
            texts(&html, "#figures-chart-9"),
            ["operations cancelled: from 3,500 at 08:00 to 4,000 at 14:50"]
        );
        assert_eq!(
            texts(&html, "#figures-chart-4"),
            ["picket lines, Halifax: 100 at 09:00"]
        );
        assert_eq!(
            attrs(&html, ".figures-data a", "href"),
            [
                "/news/strike-live/figures.csv",
                "/news/strike-live/figures.json"
            ]
        );
    }

    #[test]
    fn a_fall_and_a_repeat_are_worded_as_such() {
        let html = render(vec![
            figure(1, (8, 0), 1200, "beds", None),
            figure(2, (9, 0), 1000, "beds", None),
            figure(3, (8, 0), 7, "wards", None),
            figure(4, (10, 0), 7, "wards", None),
        ]);
        assert_eq!(
            texts(&html, ".figures-change"),
            ["down 200 since 08:00", "no change since 08:00"]
        );
    }

    #[test]
    fn text_in_figures_is_escaped() {
        let html = render(vec![figure(1, (8, 0), 1, "<b>beds</b> & \"wards\"", None)]);
        assert_eq!(texts(&html, ".figures-what"), ["<b>beds</b> & \"wards\""]);
        assert!(texts(&html, "b").is_empty());
    }

    #[test]
    fn a_story_without_figures_renders_nothing() {
        let panel = FiguresPanel::new("quiet", Vec::new());
        assert!(panel.is_empty());
        assert_eq!(Partial { figures: &panel }.render().unwrap().trim(), "");
    }
}
