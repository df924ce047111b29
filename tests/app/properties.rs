//! Property tests of what editors' text goes through before it is stored:
//! the Markdown pipeline, `READ MORE:` resolution and front matter. A
//! bounded number of cases keeps `cargo test` fast; a failure prints the
//! smallest input proptest found.

use std::path::Path;

use newsdesk::content::{
    MissingStory, Placement, RenderContext, RenderedMarkdown, parse_story_file, render_markdown,
};
use newsdesk::domain::Slug;
use proptest::prelude::*;
use scraper::{Html, Selector};

const SITE: &str = "https://news.example";
/// The stories the generated text may link to: published ones resolve.
const PUBLISHED: [&str; 2] = ["pickets-at-hri", "strike-called-off"];
/// A draft and a missing story: links to them must be refused.
const UNPUBLISHED: [&str; 2] = ["embargoed-draft", "no-such-story"];

/// Pieces of Markdown and HTML, hostile and ordinary, that generated text is made of.
const PIECES: &[&str] = &[
    "READ MORE: ",
    "[text](",
    "[text][r]",
    "[r]",
    "[r][]",
    "\n\n[r]: ",
    ")",
    "<",
    ">",
    "/news/",
    "https://news.example/news/",
    "https://elsewhere.example/news/",
    "?update=3#update-3",
    "#update-7",
    "/",
    "pickets-at-hri",
    "strike-called-off",
    "embargoed-draft",
    "no-such-story",
    "Bad Slug",
    "javascript:alert(1)",
    "JaVaScRiPt:x",
    "vbscript:x",
    "data:text/html,<script>x</script>",
    "&#106;avascript:x",
    "<script>alert(1)</script>",
    "<a href=\"",
    "\" onclick=\"x()\">",
    "<img src=\"x\" onerror=\"alert(1)\">",
    "<svg onload=x>",
    "<iframe src=x>",
    "<style>p{}</style>",
    "<div id=\"update-1\" style=\"x\">",
    "</div>",
    "[^1]",
    "[^n]",
    "\n\n[^1]: note",
    "| a | b |\n|:-|--:|\n| 1 | 2 |\n",
    "~~x~~",
    "*",
    "_",
    "`",
    "# ",
    "- ",
    "> ",
    "    ",
    "```\n",
    "https://youtu.be/dQw4w9WgXcQ",
    "https://www.youtube.com/watch?v=",
    "dQw4w9WgXcQ",
    "](https://vimeo.com/76979871)",
    "[![p](/media/p.jpg)",
    "```post\nurl: https://x.com/a/status/1\nauthor: A\ntime: 2016-01-12 11:32\n",
    "<figure class=\"video-embed\" data-video-provider=\"youtube\" data-video-id=\"",
    "<button type=\"submit\" formaction=\"javascript:x\">",
    "\"",
    "'",
    "&",
    "\n",
    "\n\n",
    " ",
    "word",
];

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(64)
}

/// Markdown-ish text: pieces from [`PIECES`] mixed with arbitrary text.
fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(PIECES).prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

fn headline_of(slug: &Slug) -> Option<String> {
    PUBLISHED
        .contains(&slug.as_str())
        .then(|| format!("Headline of {slug}"))
}

fn render(markdown: &str, place: Placement) -> Result<RenderedMarkdown, MissingStory> {
    let context = RenderContext {
        site_url: SITE,
        headline_of: &headline_of,
        media_of: &|_| None,
        place,
    };
    render_markdown(markdown, &context)
}

fn placement() -> impl Strategy<Value = Placement> {
    prop_oneof![
        Just(Placement::StoryBody),
        (0..10_000_i64).prop_map(Placement::Update)
    ]
}

/// Why `html` is unsafe to put in a page, if it is.
fn unsafe_part(html: &str) -> Option<String> {
    if html.to_ascii_lowercase().contains("<script") {
        return Some("a script element".into());
    }
    let document = Html::parse_fragment(html);
    for element in document
        .root_element()
        .descendants()
        .filter_map(|n| n.value().as_element())
    {
        for (name, value) in element.attrs() {
            if name.to_ascii_lowercase().starts_with("on") || name == "style" {
                return Some(format!("attribute {name}"));
            }
            let scheme: String = value.chars().filter(|c| !c.is_whitespace()).collect();
            let scheme = scheme.to_ascii_lowercase();
            let dangerous = ["javascript:", "vbscript:", "data:"]
                .iter()
                .any(|s| scheme.starts_with(s));
            if matches!(name, "href" | "src") && dangerous {
                return Some(format!("{name}={value}"));
            }
        }
    }
    None
}

/// The slug of every read-more link's target in `html`.
fn read_more_slugs(html: &str) -> Vec<String> {
    let document = Html::parse_fragment(html);
    let links = Selector::parse("p.read-more a").unwrap();
    document
        .select(&links)
        .map(|a| {
            let href = a.value().attr("href").unwrap_or_default();
            let path = href.split(['?', '#']).next().unwrap_or_default();
            path.strip_prefix("/news/").unwrap_or(path).to_owned()
        })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_text_renders_without_panicking_to_safe_html(text in any::<String>(), place in placement()) {
        if let Ok(rendered) = render(&text, place) {
            let html = rendered.html.as_str();
            prop_assert_eq!(unsafe_part(html), None, "{}", html);
        }
    }

    #[test]
    fn markdownish_text_renders_to_safe_html_with_ids_of_its_own(
        text in markdownish(),
        place in placement(),
    ) {
        if let Ok(rendered) = render(&text, place) {
            let html = rendered.html.as_str();
            prop_assert_eq!(unsafe_part(html), None, "{}", html);
            let prefix = match place {
                Placement::StoryBody => "story-fn-".to_owned(),
                Placement::Update(id) => format!("u{id}-fn-"),
            };
            let document = Html::parse_fragment(html);
            let with_id = Selector::parse("[id]").unwrap();
            for element in document.select(&with_id) {
                let id = element.value().id().unwrap_or_default();
                prop_assert!(id.starts_with(&prefix), "id {} in {}", id, html);
            }
        }
    }

    #[test]
    fn every_resolved_read_more_reaches_a_published_story(text in markdownish()) {
        match render(&text, Placement::StoryBody) {
            Ok(rendered) => {
                for slug in &rendered.read_more {
                    prop_assert!(PUBLISHED.contains(&slug.as_str()), "{}", slug);
                }
                for slug in read_more_slugs(rendered.html.as_str()) {
                    prop_assert!(PUBLISHED.contains(&slug.as_str()), "{} in {}", slug, rendered.html);
                }
            }
            Err(missing) => {
                prop_assert!(!PUBLISHED.contains(&missing.slug.as_str()), "{}", missing.slug);
            }
        }
    }

    #[test]
    fn a_read_more_to_a_story_that_is_not_published_is_refused_in_any_link_form(
        slug in prop::sample::select(&UNPUBLISHED[..]),
        form in 0..5_usize,
    ) {
        let address = format!("/news/{slug}");
        let text = match form {
            0 => format!("READ MORE: [x]({address})"),
            1 => format!("READ MORE: [x][r]\n\n[r]: {address}"),
            2 => format!("READ MORE: [x][]\n\n[x]: {address}"),
            3 => format!("READ MORE: [x]\n\n[x]: {address}"),
            _ => format!("READ MORE: <{SITE}{address}>"),
        };
        prop_assert_eq!(render(&text, Placement::StoryBody).unwrap_err().slug, slug);
    }

    #[test]
    fn any_content_file_parses_or_names_a_line_within_it(text in content_fileish()) {
        if let Err(error) = parse_story_file(Path::new("x.md"), &text) {
            let lines = text.lines().count().max(1);
            prop_assert!((1..=lines).contains(&error.line), "line {} of {}: {}", error.line, lines, error);
        }
    }
}

/// Content-file-ish text: fences, front-matter lines and arbitrary text.
fn content_fileish() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        3 => prop::sample::select(&[
            "+++", "+++ update", "headline = \"H\"", "standfirst = \"S\"", "byline = \"B\"",
            "published = 2016-01-12T07:30:00Z", "published = 2016-01-12T07:30:00",
            "time = 2016-01-12T08:00:00Z", "kind = \"update\"", "author = \"A\"",
            "number = -4", "unknown = 1", "topics = [", "headline = \"unclosed", "",
            "Body text.", "status = \"draft\"",
        ][..]).prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    let lines = prop::collection::vec(line, 0..30).prop_map(|lines| lines.join("\n"));
    prop_oneof![lines, any::<String>()]
}
