//! The story form: new, edit, preview, save, and the side-by-side view when
//! two editors saved the same story. The form is multipart when it carries
//! a photo (urlencoded posts still work): the photo is stored once the rest
//! of the form is valid, and its Markdown line opens the body, which makes
//! it the story's lead photo.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::admin_html;
use super::admit::admit_post;
use super::desk_photo::{read_with_photo, refuse_photo_with, store_photo};
use super::draft_saved::saved_see_other;
use super::forms::StoryForm;
use super::kept_forms::{RestoreQuery, restored_or};
use super::not_saved::{FormPage, refused_by_storage};
use super::session::{self, Editor, parse_form};
use super::upload::Upload;
use crate::Newsroom;
use crate::content::{Placement, SafeHtml, embeds};
use crate::db::{self, stories::StoryRow};
use crate::domain::{FieldErrors, Slug, StoryDraft, with_field};
use crate::error::{AppError, AppResult};
use crate::publishing::{self, SaveRefused};
use crate::site::Site;

#[derive(Template)]
#[template(path = "admin/story_form.html")]
pub struct StoryFormPage {
    /// The publication, for the shared layout.
    pub site: Arc<Site>,
    pub editor: Editor,
    pub form: StoryForm,
    pub errors: FieldErrors,
    pub preview: Option<SafeHtml>,
    pub action_url: String,
    pub is_new: bool,
    pub notice: Option<&'static str>,
    /// Why the save was not stored, when the storage refused it.
    pub alert: Option<String>,
    /// The version another editor saved, when this save collided with it.
    pub conflict: Option<StoryRow>,
}

impl FormPage for StoryFormPage {
    fn alert_mut(&mut self) -> &mut Option<String> {
        &mut self.alert
    }
}

impl StoryFormPage {
    fn new(
        room: &Newsroom,
        editor: Editor,
        form: StoryForm,
        action_url: String,
        is_new: bool,
    ) -> StoryFormPage {
        StoryFormPage {
            site: room.site.clone(),
            editor,
            form,
            errors: FieldErrors::default(),
            preview: None,
            action_url,
            is_new,
            notice: None,
            alert: None,
            conflict: None,
        }
    }

    fn respond(&self, status: StatusCode) -> AppResult<HttpResponse> {
        Ok(admin_html(status, self.render()?))
    }
}

/// `GET /admin/stories/new`.
pub async fn new_story_page(
    req: HttpRequest,
    editor: Editor,
    room: web::Data<Newsroom>,
    query: web::Query<RestoreQuery>,
) -> AppResult<HttpResponse> {
    let (form, notice) = restored_or(
        &editor,
        &room,
        req.path(),
        &query,
        StoryForm::blank(editor.public_name(&room.site)),
    )
    .await?;
    let mut page = StoryFormPage::new(&room, editor, form, req.path().to_owned(), true);
    page.notice = notice;
    page.respond(StatusCode::OK)
}

/// `GET /admin/stories/{slug}/edit`.
pub async fn edit_story_page(
    req: HttpRequest,
    editor: Editor,
    room: web::Data<Newsroom>,
    slug: Slug,
    query: web::Query<RestoreQuery>,
) -> AppResult<HttpResponse> {
    let mut conn = room.db.acquire().await?;
    let story = db::stories::find_by_slug(&mut conn, slug.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    let topics: Vec<String> = db::topics::for_story(&mut conn, story.id)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    drop(conn);
    let (form, notice) = restored_or(
        &editor,
        &room,
        req.path(),
        &query,
        StoryForm::from_story(&story, &topics),
    )
    .await?;
    let mut page = StoryFormPage::new(&room, editor, form, req.path().to_owned(), false);
    page.notice = notice;
    page.respond(StatusCode::OK)
}

/// The story form's post: its editor, its fields and its photo, if one
/// was chosen. Only a signed-in editor's photo is received; anyone else's
/// post is read for its text alone (kept across a sign-in).
async fn read_story_post(
    req: &HttpRequest,
    room: &Newsroom,
    payload: web::Payload,
) -> AppResult<(Editor, StoryForm, Option<Upload>)> {
    let signed_in = session::current_editor(req, room).await?.is_some();
    let (post, photo) = read_with_photo(req, room, payload, signed_in).await?;
    let editor = admit_post(req, room, &post.fields, req.path()).await?;
    Ok((editor, parse_form(&post.fields)?, photo))
}

/// `POST /admin/stories/new`.
pub async fn create_story(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let (editor, form, photo) = read_story_post(&req, &room, payload).await?;
    let page = StoryFormPage::new(&room, editor, form, req.path().to_owned(), true);
    save(&room, page, photo).await
}

/// `POST /admin/stories/{slug}/edit`.
pub async fn update_story(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    slug: Slug,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let (editor, mut form, photo) = read_story_post(&req, &room, payload).await?;
    // The slug is the story's address: an edit never changes it.
    form.slug = slug.to_string();
    let page = StoryFormPage::new(&room, editor, form, req.path().to_owned(), false);
    save(&room, page, photo).await
}

/// The form checked: the story to save, or every field's error.
fn check(form: &StoryForm) -> Result<StoryDraft, FieldErrors> {
    let body = embeds::check_body(&form.body);
    with_field(form.to_input().validate(), "body", body).map(|(draft, ())| draft)
}

/// Stores the photo, once the whole form is right, and opens the body with
/// its line: from then on the form, however it comes back, has it there.
/// `Ok(Err(errors))` when the form or the photo was refused; nothing is
/// stored then.
async fn store_lead_photo(
    room: &Newsroom,
    form: &mut StoryForm,
    upload: Upload,
) -> AppResult<Result<(), FieldErrors>> {
    let words = form.photo_words();
    let errors = refuse_photo_with(check(form).err().unwrap_or_default(), &words);
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let line = store_photo(room, upload, &words, room.clock.now()).await?;
    Ok(line.map(|line| form.lead_with(line)))
}

/// Validates, previews or saves; any refusal comes back as the form, as typed.
async fn save(
    room: &Newsroom,
    mut page: StoryFormPage,
    photo: Option<Upload>,
) -> AppResult<HttpResponse> {
    if let Some(upload) = photo
        && let Err(errors) = store_lead_photo(room, &mut page.form, upload).await?
    {
        page.errors = errors;
        return page.respond(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let draft = match check(&page.form) {
        Ok(draft) => draft,
        Err(errors) => {
            page.errors = errors;
            return page.respond(StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    if page.form.action == "preview" {
        return preview(room, page, &draft.body_md).await;
    }
    let loaded_version = if page.is_new {
        None
    } else {
        Some(page.form.version.parse::<i64>().map_err(|_| {
            AppError::BadRequest("The form lost its version number; reload it.".into())
        })?)
    };
    let saved = publishing::save_story(
        &room.db,
        &draft,
        loaded_version,
        page.editor.id,
        room.clock.now(),
        &room.site_url,
    )
    .await;
    let saved = match saved {
        Ok(saved) => saved,
        Err(cause) => return page.not_saved(refused_by_storage(cause)?),
    };
    match saved {
        Ok(committed) => {
            room.after_commit.committed(Some(committed)).await;
            let desk = format!("/admin/stories/{}", draft.slug);
            Ok(saved_see_other(room, &desk, &page.action_url))
        }
        Err(SaveRefused::Gone) => Err(AppError::NotFound),
        Err(SaveRefused::SlugTaken) => {
            page.errors.add(
                "slug",
                format!(
                    "Another story already uses “{}”: choose another slug.",
                    draft.slug
                ),
            );
            page.respond(StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(SaveRefused::MissingReadMore(missing)) => {
            page.errors.add("body", missing.to_string());
            page.respond(StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(SaveRefused::Conflict(theirs)) => {
            // Saving again from this page knowingly replaces their version.
            page.form.version = theirs.version.to_string();
            page.conflict = Some(*theirs);
            page.respond(StatusCode::CONFLICT)
        }
    }
}

/// Renders the body exactly as readers would see it, without saving.
async fn preview(
    room: &Newsroom,
    mut page: StoryFormPage,
    body_md: &str,
) -> AppResult<HttpResponse> {
    let mut conn = room.db.acquire().await?;
    let renderer = publishing::renderer_for(&mut conn, &room.site_url, [], &[body_md]).await?;
    match renderer.render(body_md, Placement::StoryBody) {
        Ok(rendered) => {
            page.preview = Some(rendered.html);
            page.respond(StatusCode::OK)
        }
        Err(missing) => {
            page.errors.add("body", missing.to_string());
            page.respond(StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}
