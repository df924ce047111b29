//! Correcting and deleting a published update.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::admit::admit_post;
use super::draft_saved::saved_see_other;
use super::forms::UpdateForm;
use super::kept_forms::{RestoreQuery, restored_or};
use super::not_saved::{FormPage, refused_by_storage};
use super::session::{Editor, parse_form};
use super::story_desk::validate;
use super::{admin_html, see_other};
use crate::Newsroom;
use crate::db::{self, storage::StorageTrouble, stories::StoryRow, updates::UpdateRow};
use crate::domain::{FieldErrors, UpdateId, UpdateKind};
use crate::error::{AppError, AppResult};
use crate::publishing;
use crate::site::Site;
use crate::views::UpdateView;

#[derive(Template)]
#[template(path = "admin/update_edit.html")]
pub struct UpdateEditPage {
    /// The publication, for the shared layout.
    pub site: Arc<Site>,
    pub editor: Editor,
    pub story: StoryRow,
    pub update_id: i64,
    pub form: UpdateForm,
    pub errors: FieldErrors,
    pub kinds: [UpdateKind; 4],
    pub notice: Option<&'static str>,
    /// Why the correction was not stored, when the storage refused it.
    pub alert: Option<String>,
}

impl FormPage for UpdateEditPage {
    fn alert_mut(&mut self) -> &mut Option<String> {
        &mut self.alert
    }
}

#[derive(Template)]
#[template(path = "admin/update_delete.html")]
pub struct UpdateDeletePage {
    /// The publication, for the shared layout.
    pub site: Arc<Site>,
    pub editor: Editor,
    pub story: StoryRow,
    pub update: UpdateView,
}

/// A live (not deleted) update and its story.
async fn find_update(room: &Newsroom, id: i64) -> AppResult<(StoryRow, UpdateRow)> {
    let mut conn = room.db.acquire().await?;
    let (slug, update) = db::updates::with_story_slug(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let story = db::stories::find_by_slug(&mut conn, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if db::updates::is_deleted(&mut conn, id).await? {
        return Err(AppError::NotFound);
    }
    Ok((story, update))
}

/// `GET /admin/updates/{id}/edit`.
pub async fn edit_page(
    req: HttpRequest,
    editor: Editor,
    room: web::Data<Newsroom>,
    id: UpdateId,
    query: web::Query<RestoreQuery>,
) -> AppResult<HttpResponse> {
    let (story, update) = find_update(&room, id.get()).await?;
    let body_md = update.body_md.clone();
    let stored = UpdateForm::from_update(&UpdateView::new(&story.slug, update), &body_md);
    let (form, notice) = restored_or(&editor, &room, req.path(), &query, stored).await?;
    let page = UpdateEditPage {
        site: room.site.clone(),
        editor,
        story,
        update_id: id.get(),
        form,
        errors: FieldErrors::default(),
        kinds: UpdateKind::ALL,
        notice,
        alert: None,
    };
    Ok(admin_html(StatusCode::OK, page.render()?))
}

/// `POST /admin/updates/{id}/edit`.
pub async fn save_edit(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    id: UpdateId,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let editor = admit_post(&req, &room, &body, req.path()).await?;
    let (story, update) = find_update(&room, id.get()).await?;
    let form: UpdateForm = parse_form(&body)?;
    let now = room.clock.now();
    // A correction keeps the original author.
    let refused = match validate(&form, &update.author, now) {
        Ok((draft, posted_at)) => {
            let edited = publishing::edit_update(
                &room.db,
                story.id,
                id.get(),
                &draft,
                posted_at,
                editor.id,
                now,
                &room.site_url,
            )
            .await;
            match edited {
                Ok(Ok(committed)) => {
                    room.after_commit.committed(Some(committed)).await;
                    let desk = format!("/admin/stories/{}#desk-update-{}", story.slug, id.get());
                    return Ok(saved_see_other(&room, &desk, req.path()));
                }
                Ok(Err(missing)) => {
                    let mut errors = FieldErrors::default();
                    errors.add("body", missing.to_string());
                    Refused::Fields(errors)
                }
                Err(cause) => Refused::Storage(refused_by_storage(cause)?),
            }
        }
        Err(errors) => Refused::Fields(errors),
    };
    let mut page = UpdateEditPage {
        site: room.site.clone(),
        editor,
        story,
        update_id: id.get(),
        form,
        errors: FieldErrors::default(),
        kinds: UpdateKind::ALL,
        notice: None,
        alert: None,
    };
    match refused {
        Refused::Fields(errors) => {
            page.errors = errors;
            Ok(admin_html(StatusCode::UNPROCESSABLE_ENTITY, page.render()?))
        }
        Refused::Storage(trouble) => page.not_saved(trouble),
    }
}

/// Why a correction was not saved.
enum Refused {
    /// The form's fields, each with its message.
    Fields(FieldErrors),
    /// The storage could not take the write.
    Storage(StorageTrouble),
}

/// `GET /admin/updates/{id}/delete`: asks for confirmation.
pub async fn delete_page(
    editor: Editor,
    room: web::Data<Newsroom>,
    id: UpdateId,
) -> AppResult<HttpResponse> {
    let (story, update) = find_update(&room, id.get()).await?;
    let update = UpdateView::new(&story.slug, update);
    Ok(admin_html(
        StatusCode::OK,
        UpdateDeletePage {
            site: room.site.clone(),
            editor,
            story,
            update,
        }
        .render()?,
    ))
}

/// `POST /admin/updates/{id}/delete`.
pub async fn delete(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    id: UpdateId,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let editor = admit_post(&req, &room, &body, req.path()).await?;
    let (story, _) = find_update(&room, id.get()).await?;
    let committed =
        publishing::delete_update(&room.db, &story, id.get(), editor.id, room.clock.now())
            .await
            .map_err(AppError::from_write)?;
    room.after_commit.committed(committed).await;
    Ok(see_other(&format!("/admin/stories/{}", story.slug)))
}
