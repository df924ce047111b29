//! JSON-LD for search engines: `LiveBlogPosting` for live stories (with their
//! recent updates), `NewsArticle` for the rest; `image` is the lead photo.

use serde_json::{Value, json};

use crate::content::SafeHtml;
use crate::db::stories::StoryRow;
use crate::urls;
use crate::views::{SocialImage, UpdateView};

/// Updates listed in `liveBlogUpdate`: the recent ones, as search engines expect.
const LIVE_BLOG_UPDATES: usize = 20;

/// The story's JSON-LD block. `updates` are the page's updates, newest first.
pub fn story_json_ld(
    story: &StoryRow,
    updates: &[UpdateView],
    site_url: &str,
    publisher: &str,
    coverage_start: Option<String>,
    image: Option<&SocialImage>,
) -> SafeHtml {
    let url = urls::absolute(site_url, &urls::story(&story.slug));
    let mut data = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.headline,
        "description": story.standfirst,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": story.published_at.to_rfc3339(),
        "dateModified": story.updated_at.to_rfc3339(),
        "author": { "@type": "Person", "name": story.byline },
        "publisher": { "@type": "Organization", "name": publisher },
    });
    if let Some(image) = image {
        data["image"] = json!({
            "@type": "ImageObject",
            "url": image.url,
            "width": image.width,
            "height": image.height,
        });
    }
    if story.live_state.is_live_blog() {
        data["@type"] = json!("LiveBlogPosting");
        data["coverageStartTime"] =
            json!(coverage_start.unwrap_or_else(|| story.published_at.to_rfc3339()));
        if story.live_state.has_ended() {
            let ended = story.live_ended_at.unwrap_or(story.updated_at);
            data["coverageEndTime"] = json!(ended.to_rfc3339());
        }
        let entries: Vec<Value> = updates
            .iter()
            .take(LIVE_BLOG_UPDATES)
            .map(|u| {
                update_entry(
                    u,
                    &urls::absolute(site_url, &urls::update(&story.slug, u.id)),
                )
            })
            .collect();
        data["liveBlogUpdate"] = json!(entries);
    }
    SafeHtml::json_ld(&data)
}

fn update_entry(update: &UpdateView, url: &str) -> Value {
    json!({
        "@type": "BlogPosting",
        "headline": format!("{}: {}", update.kind.label(), update.summary),
        "url": url,
        "datePublished": update.posted_at.to_rfc3339(),
        "dateModified": update.edited_at.unwrap_or(update.posted_at).to_rfc3339(),
        "author": { "@type": "Person", "name": update.author },
        "articleBody": update.summary,
    })
}
