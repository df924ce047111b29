//! A story's desk page: the update form (built for speed), its updates with
//! Edit and Delete, and ending live coverage.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;

use super::admit::admit_post;
use super::draft_saved::saved_see_other;
use super::forms::UpdateForm;
use super::kept_forms::{RestoreQuery, restored_or};
use super::not_saved::{FormPage, refused_by_storage};
use super::session::{self, Editor, parse_form};
use super::update_media::{UpdateFiles, ask_again, read_update_post};
use super::{admin_html, see_other};
use crate::Newsroom;
use crate::content::embeds;
use crate::db::{self, stories::StoryRow};
use crate::domain::{FieldErrors, Slug, UpdateKind, with_field};
use crate::error::{AppError, AppResult};
use crate::filters;
use crate::handlers::lookup::parse_update_id;
use crate::publishing;
use crate::site::Site;
use crate::views::UpdateView;

/// Updates listed under the form; older ones are on the public page.
const DESK_UPDATES: i64 = 200;

#[derive(Template)]
#[template(path = "admin/story.html")]
pub struct StoryDeskPage {
    /// The publication, for the shared layout.
    pub site: Arc<Site>,
    pub editor: Editor,
    pub story: StoryRow,
    pub form: UpdateForm,
    pub errors: FieldErrors,
    pub kinds: [UpdateKind; 4],
    pub updates: Vec<UpdateView>,
    pub notice: Option<&'static str>,
    /// Why the update was not stored, when the storage refused it.
    pub alert: Option<String>,
}

impl FormPage for StoryDeskPage {
    fn alert_mut(&mut self) -> &mut Option<String> {
        &mut self.alert
    }
}

impl StoryDeskPage {
    pub fn is_pinned(&self, update: &UpdateView) -> bool {
        self.story.pinned_update_id == Some(update.id)
    }
}

pub async fn find_story(room: &Newsroom, slug: &str) -> AppResult<StoryRow> {
    let mut conn = room.db.acquire().await?;
    db::stories::find_by_slug(&mut conn, slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// The desk page with `form` as typed and its `errors`.
async fn desk_page(
    room: &Newsroom,
    editor: Editor,
    story: StoryRow,
    form: UpdateForm,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> AppResult<StoryDeskPage> {
    let mut conn = room.db.acquire().await?;
    let rows = db::updates::newest(&mut conn, story.id, DESK_UPDATES).await?;
    let updates = rows
        .into_iter()
        .map(|row| UpdateView::new(&story.slug, row))
        .collect();
    Ok(StoryDeskPage {
        site: room.site.clone(),
        editor,
        story,
        form,
        errors,
        kinds: UpdateKind::ALL,
        updates,
        notice,
        alert: None,
    })
}

/// The desk page: 200, or 422 when the form has errors.
async fn render(
    room: &Newsroom,
    editor: Editor,
    story: StoryRow,
    form: UpdateForm,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> AppResult<HttpResponse> {
    let page = desk_page(room, editor, story, form, errors, notice).await?;
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(admin_html(status, page.render()?))
}

/// The gate of the desk page's forms: the editor, the story, and the desk
/// page's path (where a kept form comes back).
async fn admit_desk_post(
    req: &HttpRequest,
    room: &Newsroom,
    slug: &str,
    body: &[u8],
) -> AppResult<(Editor, StoryRow, String)> {
    let desk = format!("/admin/stories/{slug}");
    let editor = admit_post(req, room, body, &desk).await?;
    Ok((editor, find_story(room, slug).await?, desk))
}

/// `GET /admin/stories/{slug}`.
pub async fn story_desk(
    req: HttpRequest,
    editor: Editor,
    room: web::Data<Newsroom>,
    slug: Slug,
    query: web::Query<RestoreQuery>,
) -> AppResult<HttpResponse> {
    let story = find_story(&room, slug.as_str()).await?;
    let (form, notice) =
        restored_or(&editor, &room, req.path(), &query, UpdateForm::blank()).await?;
    render(&room, editor, story, form, FieldErrors::default(), notice).await
}

/// `POST /admin/stories/{slug}/updates`: publish, then back to an empty form.
/// The form is multipart when it carries files (urlencoded posts still
/// work): photos and a video are checked and stored once the rest of the
/// form is valid, all or none ([`UpdateFiles`]), and their Markdown lines
/// end the update's body.
pub async fn publish(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    slug: Slug,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    // Only a signed-in editor's files are received; anyone else's post is
    // read for its text alone (kept across a sign-in), the files dropped.
    let signed_in = session::current_editor(&req, &room).await?.is_some();
    let media = signed_in.then_some(&*room.media);
    let post = read_update_post(&req, payload, media, room.media.limits()).await?;
    let (editor, story, desk) = admit_desk_post(&req, &room, slug.as_str(), &post.fields).await?;
    let form: UpdateForm = parse_form(&post.fields)?;
    let files = UpdateFiles::sort(post.files, &form)?;
    let now = room.clock.now();
    let checked = validate(&form, editor.public_name(&room.site), now);
    let words = files.check_words(&form);
    let (mut draft, posted_at) = match checked {
        Ok(valid) if words.is_empty() => valid,
        checked => {
            let mut errors = checked.err().unwrap_or_default();
            for (field, message) in words.iter() {
                errors.add(field, message);
            }
            let errors = ask_again(files.fields(), errors);
            return render(&room, editor, story, form, errors, None).await;
        }
    };
    let chosen = files.fields().to_vec();
    let lines = match files.store(&room.media, &room.db, &form, now).await? {
        Ok(lines) => lines,
        Err(refused) => {
            // Every file is dropped with the refused one: ask for all again.
            let errors = ask_again(&chosen, refused);
            return render(&room, editor, story, form, errors, None).await;
        }
    };
    for line in lines {
        if !draft.body_md.trim().is_empty() {
            draft.body_md.push_str("\n\n");
        }
        draft.body_md.push_str(&line);
    }
    let published = publishing::publish_update(
        &room.db,
        story.id,
        &draft,
        posted_at,
        Some(editor.id),
        &room.site_url,
    )
    .await;
    let published = match published {
        Ok(published) => published,
        Err(cause) => {
            let trouble = refused_by_storage(cause)?;
            let page = desk_page(&room, editor, story, form, FieldErrors::default(), None).await?;
            return page.not_saved(trouble);
        }
    };
    match published {
        Ok((id, committed)) => {
            room.after_commit.committed(Some(committed)).await;
            Ok(saved_see_other(
                &room,
                &format!("{desk}#desk-update-{id}"),
                req.path(),
            ))
        }
        Err(missing) => {
            let mut errors = FieldErrors::default();
            errors.add("body", missing.to_string());
            // Stored already, but the form comes back without them.
            let errors = ask_again(&chosen, errors);
            render(&room, editor, story, form, errors, None).await
        }
    }
}

/// Checks the update form, its time and its post blocks included,
/// reporting every field at once.
/// `author` is the name readers will see on the update.
pub fn validate(
    form: &UpdateForm,
    author: &str,
    now: chrono::DateTime<Utc>,
) -> Result<(crate::domain::UpdateDraft, chrono::DateTime<Utc>), FieldErrors> {
    let checked = with_field(
        form.to_input(author).validate(),
        "time",
        form.posted_at(now),
    );
    with_field(checked, "body", embeds::check_body(&form.body)).map(|(valid, ())| valid)
}

/// `POST /admin/stories/{slug}/end-live`.
pub async fn end_live(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    slug: Slug,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let (editor, story, desk) = admit_desk_post(&req, &room, slug.as_str(), &body).await?;
    let committed = publishing::end_live_coverage(&room.db, &story, editor.id, room.clock.now())
        .await
        .map_err(AppError::from_write)?;
    room.after_commit.committed(Some(committed)).await;
    Ok(see_other(&desk))
}

#[derive(serde::Deserialize)]
pub struct PinForm {
    /// The update to pin; empty to unpin.
    #[serde(default)]
    update_id: String,
}

/// `POST /admin/stories/{slug}/pin`: pins an update above the stream, or unpins.
pub async fn pin(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    slug: Slug,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let (editor, story, desk) = admit_desk_post(&req, &room, slug.as_str(), &body).await?;
    let form: PinForm = parse_form(&body)?;
    let update_id = match form.update_id.trim() {
        "" => None,
        id => {
            let id = parse_update_id("update_id", id)?;
            let mut conn = room.db.acquire().await?;
            db::updates::find_live(&mut conn, story.id, id)
                .await?
                .ok_or(AppError::NotFound)?;
            Some(id)
        }
    };
    let committed =
        publishing::pin_update(&room.db, &story, update_id, editor.id, room.clock.now())
            .await
            .map_err(AppError::from_write)?;
    room.after_commit.committed(Some(committed)).await;
    Ok(see_other(&desk))
}
