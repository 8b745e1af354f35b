//! A post's translations: its title, summary and body in languages other than its primary one,
//! set and removed by its cluster's editors. Each write is a change of the post: its version
//! moves, its search text is made again from every language, and it is audited, in one
//! transaction.

use entity::{post as row, post_translation as translation};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

use super::{columns, entry, lists_of, locked, markdown, NewPost, BODY_MAX, SUMMARY_MAX};
use crate::{
    auth::Principal,
    domain::{
        audit::{self, AuditAction},
        locale::{LanguageTag, LANGUAGE_HINT},
        policy, translation as translations,
        validation::{Checker, NAME_MAX},
        version,
    },
    error::{AppError, AppResult},
};

/// A post's text in one language, as its editors write it.
#[derive(Debug, Clone, Default)]
pub struct Translation {
    pub language: String,
    pub title: String,
    pub summary: Option<String>,
    pub body_markdown: String,
}

impl Translation {
    /// Checks it with the bounds of the post's own texts, for a post written in `primary` with
    /// the translations `existing`; returns the language's canonical tag.
    fn validate(&mut self, primary: &str, existing: &[translation::Model]) -> AppResult<LanguageTag> {
        let mut check = Checker::new();
        let tag = translations::check_language(&mut check, "post", &self.language, primary, existing);
        check.name("title", &mut self.title, NAME_MAX);
        check.optional_text("summary", &mut self.summary, SUMMARY_MAX);
        let mut body = Some(std::mem::take(&mut self.body_markdown));
        check.optional_text("bodyMarkdown", &mut body, BODY_MAX);
        self.body_markdown = body.unwrap_or_default();
        if self.body_markdown.is_empty() {
            check.fail("bodyMarkdown", "must not be empty");
        }
        check.finish()?;
        tag.ok_or_else(|| AppError::bad_field("language", LANGUAGE_HINT))
    }
}

/// A post's translations, by language.
pub(super) async fn of<C: ConnectionTrait>(db: &C, post_id: Uuid) -> AppResult<Vec<translation::Model>> {
    Ok(translation::Entity::find()
        .filter(translation::Column::PostId.eq(post_id))
        .order_by_asc(translation::Column::Language)
        .all(db)
        .await?)
}

/// The post's search text made again from every language, saved with the version check.
async fn save_search_text<C: ConnectionTrait>(
    db: &C,
    post: &row::Model,
    expected_version: i32,
) -> AppResult<row::Model> {
    let (ecosystems, countries) = lists_of(db, post.id).await?;
    let new = NewPost::of(post, ecosystems, countries);
    let translations = of(db, post.id).await?;
    let search_text = columns(&new, &translations).search_text;
    version::save::<row::Entity, _>(
        db,
        post.id,
        expected_version,
        row::ActiveModel {
            search_text,
            ..Default::default()
        },
    )
    .await
}

/// Writes a post's text in one language, replacing what that language had.
pub async fn set_translation<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    mut text: Translation,
) -> AppResult<row::Model> {
    let txn = crate::db::begin_write(db).await?;
    let (post, cluster) = locked(&txn, id, expected_version, |_, c| policy::may_translate_post(actor, c)).await?;
    let existing = of(&txn, id).await?;
    let language = text.validate(&post.language, &existing)?;
    translation::Entity::delete_many()
        .filter(translation::Column::PostId.eq(id))
        .filter(translation::Column::Language.eq(language.as_str()))
        .exec(&txn)
        .await?;
    translation::Entity::insert(translation::ActiveModel {
        post_id: Set(id),
        language: Set(language.to_string()),
        title: Set(text.title),
        summary: Set(text.summary),
        body_html: Set(markdown::to_html(&text.body_markdown)),
        body_markdown: Set(text.body_markdown),
    })
    .exec_without_returning(&txn)
    .await?;
    let model = save_search_text(&txn, &post, expected_version).await?;
    audit::record(
        &txn,
        actor,
        entry(&model, AuditAction::Update, vec!["translations"], &cluster),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Removes a post's text in one language; NOT_FOUND when the post has none in it.
pub async fn remove_translation<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    language: &str,
) -> AppResult<row::Model> {
    let txn = crate::db::begin_write(db).await?;
    let (post, cluster) = locked(&txn, id, expected_version, |_, c| policy::may_translate_post(actor, c)).await?;
    let language = translations::language_to_remove(language)?;
    let removed = translation::Entity::delete_many()
        .filter(translation::Column::PostId.eq(id))
        .filter(translation::Column::Language.eq(language.as_str()))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::NotFound(format!("translation {language} of the post")));
    }
    let model = save_search_text(&txn, &post, expected_version).await?;
    audit::record(
        &txn,
        actor,
        entry(&model, AuditAction::Update, vec!["translations"], &cluster),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}
