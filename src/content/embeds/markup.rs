//! The HTML of a video facade and of a quote card, as Markdown events.
//! Every value is either checked (ids, times, rebuilt addresses) or escaped;
//! the titles and the post's text go out as text events, which the HTML
//! writer escapes and the summary of an update counts.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::posts::SocialPost;
use super::video::Video;
use crate::content::escape;
use crate::filters::SITE_TIME_ZONE;

/// The class that marks a facade; [`super::shows_video`] looks for it.
pub const FACADE_CLASS: &str = "video-embed";

/// The events of a click-to-load facade: a local poster (the editor's image
/// on this site, or a placeholder with the title), a play button that
/// `static/embeds.js` shows and answers, and a link to the video on its
/// site for readers without JavaScript. `title` is the editor's, if any.
pub fn facade<'a>(video: &Video, title: Option<String>, poster: Option<&str>) -> Vec<Event<'a>> {
    let site = video.provider.name();
    let shown_title = title.clone().unwrap_or_else(|| format!("Video on {site}"));
    let escaped_title = escape(&shown_title);
    let mut data = format!(
        r#"data-video-provider="{}" data-video-id="{}""#,
        video.provider.key(),
        video.id()
    );
    if let Some(start) = video.start() {
        data.push_str(&format!(r#" data-video-start="{start}""#));
    }
    if let Some(hash) = video.hash() {
        data.push_str(&format!(r#" data-video-hash="{hash}""#));
    }
    let image = poster
        .map(|src| {
            format!(
                r#"<img class="video-poster-image" src="{}" alt="" loading="lazy" decoding="async">"#,
                escape(src)
            )
        })
        .unwrap_or_default();
    let mut events = vec![Event::Html(
        format!(
            concat!(
                r#"<figure class="{class}" {data}>"#,
                r#"<div class="video-frame">"#,
                r#"<span class="video-poster" aria-hidden="true">{image}<span class="video-poster-title">{title}</span></span>"#,
                r#"<button type="button" class="video-play"><span class="video-play-name">Play video: {title}</span></button>"#,
                r#"</div><figcaption class="video-caption">"#,
            ),
            class = FACADE_CLASS,
            data = data,
            image = image,
            title = escaped_title,
        )
        .into(),
    )];
    if let Some(title) = title {
        events.push(Event::Text(title.into()));
        events.push(Event::Html(" ".into()));
    }
    events.push(Event::Html(
        format!(
            r#"<a class="video-link" href="{}">Watch on {site}</a></figcaption></figure>"#,
            escape(&video.watch_url())
        )
        .into(),
    ));
    events
}

/// The events of a quote card: the post's text in a `<blockquote>` citing
/// it, and under it who posted it, where, when, and a link to the original.
/// No script, frame or image from the network: the card is ours.
pub fn quote_card<'a>(post: &SocialPost) -> Vec<Event<'a>> {
    let href = escape(&post.url.href);
    let network = post.url.network.name();
    let mut events = vec![Event::Html(
        format!(
            r#"<figure class="social-post-card"><blockquote class="social-post" cite="{href}">"#
        )
        .into(),
    )];
    for paragraph in post
        .text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        events.push(Event::Start(Tag::Paragraph));
        for (i, line) in paragraph.lines().enumerate() {
            if i > 0 {
                events.push(Event::HardBreak);
            }
            events.push(Event::Text(line.to_owned().into()));
        }
        events.push(Event::End(TagEnd::Paragraph));
    }
    events.push(Event::Html(
        r#"</blockquote><figcaption class="social-post-source"><span class="social-post-author">"#
            .into(),
    ));
    events.push(Event::Text(post.author.clone().into()));
    events.push(Event::Html("</span>".into()));
    if let Some(handle) = &post.handle {
        events.push(Event::Html(
            format!(
                r#" <span class="social-post-handle">{}</span>"#,
                escape(handle)
            )
            .into(),
        ));
    }
    let local = post.time.with_timezone(&SITE_TIME_ZONE);
    events.push(Event::Html(
        format!(
            concat!(
                r#" <span class="social-post-network">on {network}</span>, "#,
                r#"<time datetime="{datetime}">{shown}</time> "#,
                r#"<a class="social-post-link" href="{href}">View the original post on {network}</a>"#,
                r#"</figcaption></figure>"#,
            ),
            network = network,
            datetime = post.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            shown = local.format("%-d %B %Y, %H:%M %Z"),
            href = href,
        )
        .into(),
    ));
    events
}
