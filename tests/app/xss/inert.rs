//! What "no executable markup" means, for HTML, feeds, JSON and CSV. Each
//! check adds what it finds to a list of problems, so one run reports them all.

use scraper::{ElementRef, Html};

use crate::feeds::xml_elements;

/// Elements that never come from the app's own templates: each one would
/// load or run something, or change how the page's URLs or styles work.
const FORBIDDEN: &[&str] = &[
    "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "base", "style",
    "animate", "set", "handler", "listener",
];

/// Attributes whose value a browser follows or loads as a URL.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "background",
    "cite",
    "data",
    "srcset",
    "ping",
    "manifest",
    "codebase",
    "lowsrc",
    "dynsrc",
];

/// Schemes that run script or carry a document of their own.
const BAD_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:", "livescript:"];

/// Problems found so far, each naming where it was seen.
#[derive(Default)]
pub struct Problems(pub Vec<String>);

impl Problems {
    fn add(&mut self, place: &str, what: String) {
        self.0.push(format!("{place}: {what}"));
    }

    /// A whole HTML page from the site.
    pub fn html_page(&mut self, place: &str, body: &str) {
        self.html(place, &Html::parse_document(body));
    }

    /// A fragment of HTML (an update, a feed entry's content).
    pub fn html_fragment(&mut self, place: &str, body: &str) {
        self.html(place, &Html::parse_fragment(body));
    }

    fn html(&mut self, place: &str, document: &Html) {
        for element in document.root_element().descendent_elements() {
            self.element(place, element);
        }
    }

    fn element(&mut self, place: &str, element: ElementRef) {
        let value = element.value();
        let name = value.name().to_ascii_lowercase();
        let shown = || cut(&element.html());
        if FORBIDDEN.contains(&name.as_str()) {
            self.add(place, format!("a <{name}> element: {}", shown()));
        }
        if name == "meta" && value.attr("http-equiv").is_some() {
            self.add(place, format!("<meta http-equiv>: {}", shown()));
        }
        if name == "script" {
            self.script(place, element);
        }
        for (attribute, text) in value.attrs() {
            let attribute = attribute.to_ascii_lowercase();
            if attribute.starts_with("on") || attribute == "style" || attribute == "srcdoc" {
                self.add(place, format!("a `{attribute}` attribute: {}", shown()));
            }
            let image = name == "img" && attribute == "src";
            if URL_ATTRIBUTES.contains(&attribute.as_str()) && runs_script(text, image) {
                self.add(place, format!("`{attribute}={text}`: {}", shown()));
            }
        }
    }

    /// Only the app's own scripts: a same-origin file, or JSON-LD that is
    /// whole, valid JSON (a payload breaking out of it would cut it short).
    fn script(&mut self, place: &str, element: ElementRef) {
        let value = element.value();
        let text: String = element.text().collect();
        let own_file = value
            .attr("src")
            .is_some_and(|src| src.starts_with("/static/"))
            && text.trim().is_empty();
        let json_ld = value.attr("type") == Some("application/ld+json")
            && value.attr("src").is_none()
            && serde_json::from_str::<serde_json::Value>(&text).is_ok()
            && !text.to_ascii_lowercase().contains("</script");
        if !(own_file || json_ld) {
            self.add(place, format!("a script: {}", cut(&element.html())));
        }
    }

    /// A feed: well-formed XML whose every value a feed reader renders as
    /// HTML passes [`Problems::html_fragment`], and whose every URL is inert.
    pub fn feed(&mut self, place: &str, xml: &str) {
        if let Err(e) = feed_rs::parser::parse(xml.as_bytes()) {
            self.add(place, format!("does not parse as a feed: {e}"));
        }
        for element in xml_elements(xml) {
            let html = match element.name.as_str() {
                "description" | "content:encoded" => true,
                "title" | "subtitle" | "summary" | "content" | "rights" => {
                    element.attrs.get("type").is_some_and(|t| t != "text")
                }
                _ => false,
            };
            if html {
                self.html_fragment(&format!("{place} <{}>", element.name), &element.text);
            }
            if matches!(
                element.name.as_str(),
                "link" | "guid" | "id" | "loc" | "url"
            ) && runs_script(&element.text, false)
            {
                self.add(place, format!("<{}> {}", element.name, element.text));
            }
            for (attribute, text) in &element.attrs {
                if matches!(attribute.as_str(), "href" | "src" | "url") && runs_script(text, false)
                {
                    self.add(place, format!("<{} {attribute}={text}>", element.name));
                }
            }
        }
    }

    /// JSON: it parses, and its text holds no `<script` a sniffing browser or
    /// a page embedding it could take for markup.
    pub fn json(&mut self, place: &str, text: &str) {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
            self.add(place, format!("not JSON: {e}"));
        }
        if text.to_ascii_lowercase().contains("<script") {
            self.add(place, format!("a raw <script in JSON: {}", cut(text)));
        }
    }
}

/// Whether `url`, as a browser reads it (ASCII whitespace and control
/// characters anywhere ignored, any case), has a scheme that runs script.
/// `data:image/` is allowed for images, as the Content-Security-Policy does.
fn runs_script(url: &str, image: bool) -> bool {
    let url: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let allowed = image && url.starts_with("data:image/");
    !allowed && BAD_SCHEMES.iter().any(|s| url.starts_with(s))
}

/// At most 300 bytes of `text`, for messages.
fn cut(text: &str) -> String {
    super::cut_bytes(text, 300).to_owned()
}

#[test]
fn the_checks_catch_what_they_are_for() {
    let mut problems = Problems::default();
    problems.html_fragment("a", r#"<p onclick="x()">x</p>"#);
    problems.html_fragment("b", r#"<a href=" JaVa&#x09;Script:x">x</a>"#);
    problems.html_fragment("c", "<script>x</script>");
    problems.html_fragment("d", r#"<svg><a xlink:href="javascript:x">x</a></svg>"#);
    problems.html_fragment("e", r#"<iframe src="https://x.example"></iframe>"#);
    problems.html_fragment("f", r#"<b style="color:red">x</b>"#);
    problems.html_fragment("g", r#"<script type="application/ld+json">{"a":</script>"#);
    problems.json("h", r#"{"a":"<script>"}"#);
    let places: Vec<&str> = problems.0.iter().map(|p| &p[..1]).collect();
    assert_eq!(places, ["a", "b", "c", "d", "e", "f", "g", "h"]);
    let mut fine = Problems::default();
    fine.html_page(
        "page",
        r#"<script src="/static/live.js" defer></script><script type="application/ld+json">{"a":"\u003c/script"}</script><img src="data:image/png;base64,AA"><a href="/news/x">x</a>"#,
    );
    fine.json("json", r#"{"a":"\u003cscript"}"#);
    assert!(fine.0.is_empty(), "{:?}", fine.0);
}
