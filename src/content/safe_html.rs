use std::fmt;
use std::sync::LazyLock;

/// HTML that is safe to put in a page as it is.
///
/// The only ways to get one: [`SafeHtml::sanitise`], which runs untrusted markup
/// through ammonia, [`SafeHtml::from_text`], which escapes plain text,
/// [`SafeHtml::from_stored`], for HTML that was sanitised
/// before it was stored, and [`SafeHtml::from_trusted_markup`], for markup the
/// server built itself. Templates print it unescaped, so none of them needs `|safe`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SafeHtml(String);

/// Classes our own Markdown stages emit; any other class an author types is dropped.
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_allowed_classes("p", &["read-more"])
        .add_allowed_classes("span", &["read-more-label"])
        .add_allowed_classes("div", &["footnote-definition"])
        .add_allowed_classes("sup", &["footnote-reference", "footnote-definition-label"])
        .add_tag_attributes("div", &["id"])
        // Author-chosen ids must never collide with the page's own anchors (`update-12`).
        .id_prefix(Some("fn-"));
    builder
});

impl SafeHtml {
    /// Sanitises untrusted HTML: scripts, event handlers, styles and unknown classes go.
    pub fn sanitise(untrusted: &str) -> SafeHtml {
        SafeHtml(SANITISER.clean(untrusted).to_string())
    }

    /// Plain text (a headline, a standfirst, a name) as HTML that shows it
    /// exactly as typed: markup in it is escaped, never interpreted.
    pub fn from_text(text: &str) -> SafeHtml {
        SafeHtml(escape(text))
    }

    /// A `<script type="application/ld+json">` block holding `data`. Every `<`,
    /// `>` and `&` in the JSON is written as a `\u` escape, so no string in it
    /// can close the script element; browsers never run this type of script.
    pub fn json_ld(data: &serde_json::Value) -> SafeHtml {
        let json = data
            .to_string()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026");
        SafeHtml(format!(
            r#"<script type="application/ld+json">{json}</script>"#
        ))
    }

    /// Wraps HTML read back from our own database, where only sanitised HTML is written.
    pub fn from_stored(html: String) -> SafeHtml {
        SafeHtml(html)
    }

    /// Wraps markup the server built itself from numbers, never from user
    /// text (the figures charts): it skips the sanitiser, which would strip SVG.
    pub fn from_trusted_markup(markup: String) -> SafeHtml {
        SafeHtml(markup)
    }

    /// Wraps the output of one of our own Askama templates, which escaped
    /// every value it interpolated (an update rendered for the live stream).
    pub fn from_template(rendered: String) -> SafeHtml {
        SafeHtml(rendered)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl askama::filters::HtmlSafe for SafeHtml {}

/// `text` with `&`, `<`, `>` and `"` escaped: fit for HTML text and for HTML
/// or XML attribute values in double quotes. Apostrophes are left alone, since
/// no value of ours is single-quoted and `&#39;` reads badly wherever an HTML
/// value is shown as text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::SafeHtml;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = SafeHtml::sanitise(r#"<p onclick="x()">Hi<script>alert(1)</script></p>"#);
        assert_eq!(html.as_str(), "<p>Hi</p>");
    }

    #[test]
    fn json_ld_cannot_close_its_script_element() {
        let html = SafeHtml::json_ld(&serde_json::json!({ "headline": "</script><b>&" }));
        assert_eq!(
            html.as_str(),
            r#"<script type="application/ld+json">{"headline":"\u003c/script\u003e\u003cb\u003e\u0026"}</script>"#
        );
    }

    #[test]
    fn plain_text_is_escaped_not_interpreted() {
        let html = SafeHtml::from_text(r#"A&E <script>"x"</script> Doctors' strike"#);
        assert_eq!(
            html.as_str(),
            "A&amp;E &lt;script&gt;&quot;x&quot;&lt;/script&gt; Doctors' strike"
        );
    }

    #[test]
    fn only_our_own_classes_survive() {
        let html = SafeHtml::sanitise(r#"<p class="read-more evil">x</p>"#);
        assert_eq!(html.as_str(), r#"<p class="read-more">x</p>"#);
    }
}
