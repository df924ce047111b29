//! Images in a content file that point at files of the content directory,
//! `![Alt](media/pickets.jpg "Caption | Credit")`: the importer stores each
//! file as an uploaded photo, then points the image at the stored photo
//! (`/media/{sha256}-1600.jpg`), which renders as its `<picture>`.

use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag};

use super::markdown::parser_options;

/// One image whose address is a path in the content directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalImage {
    /// The address as written.
    pub path: String,
    /// Its line in the Markdown, from 1.
    pub line: usize,
    /// Where the address is written, to point it elsewhere; `None` when it
    /// is not in the image itself (a reference-style image).
    pub address: Option<Range<usize>>,
}

impl LocalImage {
    /// The file under `dir` it names, unless its path leaves the directory
    /// (`..`, an absolute path).
    pub fn file_in(&self, dir: &Path) -> Option<PathBuf> {
        let relative = Path::new(&self.path);
        relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
            .then(|| dir.join(relative))
    }
}

/// Whether an image address is a path, not a URL or a site address:
/// no scheme, not `/…`, `#…` or `?…`.
fn is_local(address: &str) -> bool {
    !address.is_empty()
        && !address.starts_with(['/', '#', '?', '\\'])
        && !address
            .split('/')
            .next()
            .is_some_and(|first| first.contains(':'))
}

/// Every image of `markdown` with a local address, in order.
pub fn local_images(markdown: &str) -> Vec<LocalImage> {
    Parser::new_ext(markdown, parser_options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Image { dest_url, .. }) if is_local(&dest_url) => Some(LocalImage {
                line: markdown[..range.start].matches('\n').count() + 1,
                address: address_in(markdown, range, &dest_url),
                path: dest_url.into_string(),
            }),
            _ => None,
        })
        .collect()
}

/// Where `address` is written in the image `markdown[image]`: just after
/// the `](` that closes its alt text (and an optional `<`).
fn address_in(markdown: &str, image: Range<usize>, address: &str) -> Option<Range<usize>> {
    let source = &markdown[image.clone()];
    source.match_indices("](").find_map(|(at, _)| {
        let after = &source[at + 2..];
        let written = after.trim_start();
        let written = written.strip_prefix('<').unwrap_or(written);
        written.starts_with(address).then(|| {
            let start = image.start + at + 2 + (after.len() - written.len());
            start..start + address.len()
        })
    })
}

/// `markdown` with each image address at `address` replaced by its new one.
pub fn repoint(markdown: &str, mut replacements: Vec<(Range<usize>, String)>) -> String {
    replacements.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(markdown.len());
    let mut done = 0;
    for (range, address) in replacements {
        out.push_str(&markdown[done..range.start]);
        out.push_str(&address);
        done = range.end;
    }
    out.push_str(&markdown[done..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_are_found_with_their_line_and_urls_are_not() {
        let md = "Text.\n\n![A *gate*](media/gate.jpg \"Dawn | Desk\")\n\n\
                  ![x](https://example.com/a.jpg) ![y](/media/a-480.jpg) ![z](#top)\n\n\
                  See ![Placards](<media/two words.jpg>).";
        let found = local_images(md);
        let paths: Vec<(&str, usize)> = found.iter().map(|i| (i.path.as_str(), i.line)).collect();
        assert_eq!(paths, [("media/gate.jpg", 3), ("media/two words.jpg", 7)]);
        let replaced = repoint(
            md,
            found
                .iter()
                .map(|i| (i.address.clone().unwrap(), "/media/new.jpg".to_owned()))
                .collect(),
        );
        assert!(replaced.contains("![A *gate*](/media/new.jpg \"Dawn | Desk\")"));
        assert!(replaced.contains("See ![Placards](</media/new.jpg>)."));
    }

    #[test]
    fn a_reference_image_has_no_address_to_repoint_and_dot_dot_leaves_nothing() {
        let found = local_images("![Gate][g]\n\n[g]: media/gate.jpg");
        assert_eq!(found[0].address, None);
        let escape = LocalImage {
            path: "../secret.jpg".into(),
            line: 1,
            address: None,
        };
        assert_eq!(escape.file_in(Path::new("content")), None);
        let inside = LocalImage {
            path: "media/a.jpg".into(),
            ..escape
        };
        assert_eq!(
            inside.file_in(Path::new("content")),
            Some(PathBuf::from("content/media/a.jpg"))
        );
    }
}
