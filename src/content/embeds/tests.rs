//! The embeds stage through the whole pipeline, sanitiser included.

use super::{check_posts, shows_video, without_players};
use crate::content::{Placement, RenderContext, SafeHtml, render_markdown};

const ID: &str = "dQw4w9WgXcQ";

fn render(markdown: &str) -> String {
    let context = RenderContext {
        site_url: "https://news.example",
        headline_of: &|_| None,
        media_of: &|_| None,
        place: Placement::Update(7),
    };
    render_markdown(markdown, &context)
        .unwrap()
        .html
        .into_string()
}

fn summary(markdown: &str) -> String {
    let context = RenderContext {
        site_url: "https://news.example",
        headline_of: &|_| None,
        media_of: &|_| None,
        place: Placement::Update(7),
    };
    render_markdown(markdown, &context).unwrap().summary
}

#[test]
fn a_paragraph_that_is_only_a_video_address_becomes_a_facade() {
    let html = render(&format!(
        "Intro.\n\nhttps://www.youtube.com/watch?v={ID}&t=42\n\nAfter."
    ));
    let facade = format!(
        concat!(
            r#"<figure class="video-embed" data-video-provider="youtube" data-video-id="{id}" data-video-start="42">"#,
            r#"<div class="video-frame"><span class="video-poster" aria-hidden="true"><span class="video-poster-title">Video on YouTube</span></span>"#,
            r#"<button type="button" class="video-play"><span class="video-play-name">Play video: Video on YouTube</span></button></div>"#,
            r#"<figcaption class="video-caption"><a class="video-link" href="https://www.youtube.com/watch?v={id}&amp;t=42s" rel="noopener noreferrer">Watch on YouTube</a></figcaption></figure>"#,
        ),
        id = ID
    );
    assert!(html.contains(&facade), "{html}");
    assert!(
        html.starts_with("<p>Intro.</p>") && html.contains("<p>After.</p>"),
        "{html}"
    );
    assert!(shows_video(&html));
    assert!(
        !html.contains("<iframe") && !html.contains("src="),
        "{html}"
    );
}

#[test]
fn a_linked_address_gives_the_facade_its_title() {
    let md = format!("[The NHS Choir & friends *sing*](https://youtu.be/{ID})");
    let html = render(&md);
    assert!(
        html.contains(
            r#"<span class="video-poster-title">The NHS Choir &amp; friends sing</span>"#
        ),
        "{html}"
    );
    assert!(
        html.contains("Play video: The NHS Choir &amp; friends sing</span>"),
        "{html}"
    );
    assert!(
        html.contains(r#"<figcaption class="video-caption">The NHS Choir &amp; friends sing <a"#),
        "{html}"
    );
    assert_eq!(summary(&md), "The NHS Choir & friends sing");
    let autolinked = render("<https://vimeo.com/76979871#t=1m>");
    assert!(
        autolinked.contains(
            r#"data-video-provider="vimeo" data-video-id="76979871" data-video-start="60""#
        ),
        "{autolinked}"
    );
    assert!(autolinked.contains("Watch on Vimeo"), "{autolinked}");
}

#[test]
fn a_bare_address_is_read_as_typed_even_where_smart_punctuation_would_change_it() {
    let html = render("https://youtu.be/ab--cd---ef");
    assert!(html.contains(r#"data-video-id="ab--cd---ef""#), "{html}");
}

#[test]
fn a_linked_poster_on_this_site_is_the_facades_poster_and_nothing_else_is() {
    let html = render(&format!(
        "[![Choir at GOSH](/media/ab12cd.jpg)](https://youtu.be/{ID})"
    ));
    assert!(
        html.contains(r#"<img class="video-poster-image" src="/media/ab12cd.jpg" alt="" loading="lazy" decoding="async">"#),
        "{html}"
    );
    assert!(html.contains("Play video: Choir at GOSH"), "{html}");
    for poster in [
        "https://elsewhere.example/p.jpg",
        "/media/../admin",
        "/static/x.png",
    ] {
        let html = render(&format!("[![Choir]({poster})](https://youtu.be/{ID})"));
        assert!(!shows_video(&html), "{poster}: {html}");
    }
}

#[test]
fn addresses_in_running_text_lists_or_beside_other_words_stay_as_they_are() {
    for md in [
        format!("Watch https://youtu.be/{ID} now"),
        format!("https://youtu.be/{ID}\nhttps://youtu.be/{ID}"),
        format!("- https://youtu.be/{ID}"),
        format!("`https://youtu.be/{ID}`"),
        format!("[a](https://youtu.be/{ID}) and more"),
        format!("https://youtube.com.evil.example/watch?v={ID}"),
        "https://www.youtube.com/watch?v=dQw4w9WgXc%22".to_owned(),
    ] {
        let html = render(&md);
        assert!(!shows_video(&html), "{md}: {html}");
        assert!(!html.contains("<button"), "{md}: {html}");
    }
}

#[test]
fn a_post_block_becomes_a_quote_card_with_its_link_and_time() {
    let md = "```post\nurl: https://twitter.com/TheBMA/status/687200000000000000?s=20\nauthor: British Medical Association\nhandle: @TheBMA\ntime: 2016-01-12 11:32\nWhy we strike: <b>safe</b> care.\nSecond line.\n\nSecond paragraph.\n```";
    let html = render(md);
    let card = concat!(
        r#"<figure class="social-post-card"><blockquote class="social-post" cite="https://twitter.com/TheBMA/status/687200000000000000">"#,
        "\n<p>Why we strike: &lt;b&gt;safe&lt;/b&gt; care.<br>\nSecond line.</p>\n<p>Second paragraph.</p>\n</blockquote>",
        r#"<figcaption class="social-post-source"><span class="social-post-author">British Medical Association</span> <span class="social-post-handle">@TheBMA</span> "#,
        r#"<span class="social-post-network">on Twitter</span>, <time datetime="2016-01-12T11:32:00Z">12 January 2016, 11:32 GMT</time> "#,
        r#"<a class="social-post-link" href="https://twitter.com/TheBMA/status/687200000000000000" rel="noopener noreferrer">View the original post on Twitter</a></figcaption></figure>"#,
    );
    assert_eq!(html, card);
    assert!(!shows_video(&html));
    assert!(check_posts(md).is_empty());
    assert_eq!(
        summary(md),
        "Why we strike: <b>safe</b> care. Second line. Second paragraph. British Medical Association"
    );
}

#[test]
fn a_wrong_post_block_is_refused_on_its_line_and_otherwise_shown_as_typed() {
    let md = "Intro.\n\n```post\nurl: https://x.com/TheBMA\nauthor: BMA\ntime: 2016-01-12 11:32\nText.\n```\n\n```post\nurl: https://x.com/a/status/1\ntime: 2016-01-12 11:32\nText.\n```";
    let problems = check_posts(md);
    let found: Vec<(usize, &str)> = problems.iter().map(|p| (p.line, p.field)).collect();
    assert_eq!(found, [(4, "url"), (11, "author")]);
    let html = render(md);
    assert!(html.contains("<pre><code"), "{html}");
    assert!(!html.contains("social-post"), "{html}");
    assert!(check_posts("```\nurl: x\n```\n\n```rust\nfn main() {}\n```").is_empty());
}

#[test]
fn hand_written_facades_keep_only_what_the_embeds_write() {
    let hostile = concat!(
        r#"<figure class="video-embed evil" data-video-provider="evil" data-video-id="x&quot; onload=&quot;a" data-video-start="1e9" data-video-src="https://evil.example/">"#,
        r#"<button type="submit" formaction="https://evil.example/" form="f" onclick="x()" class="video-play">Play</button>"#,
        r#"<span aria-hidden="false" class="video-poster" style="x">p</span><time datetime="soon">t</time>"#,
        r#"<img class="video-poster-image" src="/media/p.jpg" loading="eager" decoding="sync" onerror="x()"></figure>"#,
    );
    let html = SafeHtml::sanitise(hostile, "u1-fn-").into_string();
    assert_eq!(
        html,
        concat!(
            r#"<figure class="video-embed"><button class="video-play" type="button">Play</button>"#,
            r#"<span class="video-poster">p</span><time>t</time><img class="video-poster-image" src="/media/p.jpg"></figure>"#
        )
    );
}

#[test]
fn facades_and_cards_come_through_sanitising_again_unchanged() {
    let md = format!(
        "[Choir](https://youtu.be/{ID}?t=5)\n\n```post\nurl: https://bsky.app/profile/a.bsky.social/post/3kabc\nauthor: A\ntime: 2016-01-12T11:32:00Z\nText.\n```"
    );
    let html = render(&md);
    // The pinned copy of an update is sanitised again with another id prefix.
    assert_eq!(SafeHtml::sanitise(&html, "pinned-").into_string(), html);
}

#[test]
fn only_a_facade_element_counts_as_showing_a_video() {
    assert!(!shows_video(r#"<p>&lt;figure class="video-embed"&gt;</p>"#));
    assert!(!shows_video(r#"<p><code>class="video-embed"</code></p>"#));
    assert!(!shows_video(
        r#"<figure class="social-post-card"></figure> class="video-embed">"#
    ));
    assert!(shows_video(
        r#"<p>x</p><figure class="video-embed" data-video-id="x">"#
    ));
}

#[test]
fn feed_readers_get_the_caption_and_link_without_poster_or_button() {
    let html = render(&format!(
        "Before.\n\n[Choir](https://youtu.be/{ID})\n\nAfter."
    ));
    let feed = without_players(&html);
    assert_eq!(
        feed,
        format!(
            concat!(
                "<p>Before.</p>\n",
                r#"<figure class="video-embed" data-video-provider="youtube" data-video-id="{id}">"#,
                r#"<figcaption class="video-caption">Choir <a class="video-link" href="https://www.youtube.com/watch?v={id}" rel="noopener noreferrer">Watch on YouTube</a></figcaption></figure>"#,
                "\n<p>After.</p>\n",
            ),
            id = ID
        )
    );
    assert_eq!(without_players("<p>No video.</p>"), "<p>No video.</p>");
}
