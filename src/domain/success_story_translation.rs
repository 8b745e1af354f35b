//! A success story's title, summary and body in languages other than its primary one, set and
//! removed by whoever may change the story. Each write is a change of the story: its version
//! moves and it is audited, in one transaction.

use entity::{success_story, success_story_translation as translation};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

use super::{
    audit::{self, AuditAction, AuditEntityType, Entry},
    locale::{LanguageTag, LANGUAGE_HINT},
    policy,
    success_story::{ensure_changeable, with_editors, SUMMARY_MAX},
    translation::{check_language, language_to_remove},
    validation::{Checker, NAME_MAX, TEXT_MAX},
    version::{self, stale},
};
use crate::{
    auth::Principal,
    error::{AppError, AppResult},
};

/// A story's texts in one language, as its editors write them.
#[derive(Debug, Clone, Default)]
pub struct Translation {
    pub language: String,
    pub title: String,
    pub summary: String,
    pub body: Option<String>,
}

impl Translation {
    /// Checks it with the bounds of the story's own texts; returns the canonical tag.
    fn validate(&mut self, primary: &str, existing: &[translation::Model]) -> AppResult<LanguageTag> {
        let mut check = Checker::new();
        let tag = check_language(&mut check, "success story", &self.language, primary, existing);
        check.name("title", &mut self.title, NAME_MAX);
        check.name("summary", &mut self.summary, SUMMARY_MAX);
        check.optional_text("body", &mut self.body, TEXT_MAX);
        check.finish()?;
        tag.ok_or_else(|| AppError::bad_field("language", LANGUAGE_HINT))
    }
}

/// A story's translations, by language.
async fn of<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<Vec<translation::Model>> {
    Ok(translation::Entity::find()
        .filter(translation::Column::SuccessStoryId.eq(id))
        .order_by_asc(translation::Column::Language)
        .all(db)
        .await?)
}

/// Refuses a new primary language that the story has a translation in.
pub(crate) async fn free_for_primary<C: ConnectionTrait>(db: &C, id: Uuid, language: &str) -> AppResult<()> {
    crate::domain::translation::free_for_primary("success story", language, &of(db, id).await?)
}

/// The story for a translation's write: NOT_FOUND, FORBIDDEN, TRANSITION_NOT_ALLOWED when
/// PUBLISHED, then CONFLICT on a stale version;
/// with the clusters named in its audit entry.
async fn locked<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
) -> AppResult<(success_story::Model, Vec<entity::cluster::Model>)> {
    let (story, editors) = with_editors(db, id).await?;
    policy::may_translate_success_story(actor, &editors)?;
    ensure_changeable(&story)?;
    if story.version != expected_version {
        return Err(stale(story.version, expected_version));
    }
    Ok((story, editors))
}

/// Moves the version on and audits the change.
async fn changed<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    clusters: &[entity::cluster::Model],
) -> AppResult<success_story::Model> {
    let model = version::save::<success_story::Entity, _>(db, id, expected_version, Default::default()).await?;
    let entry = Entry::about(
        AuditEntityType::SuccessStory,
        id,
        AuditAction::Update,
        vec!["translations"],
        clusters,
    );
    audit::record(db, actor, entry).await?;
    Ok(model)
}

/// Writes a story's texts in one language, replacing what that language had.
pub async fn set_translation<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    mut text: Translation,
) -> AppResult<success_story::Model> {
    let txn = crate::db::begin_write(db).await?;
    let (story, clusters) = locked(&txn, actor, id, expected_version).await?;
    let existing = of(&txn, id).await?;
    let language = text.validate(&story.language, &existing)?;
    translation::Entity::delete_many()
        .filter(translation::Column::SuccessStoryId.eq(id))
        .filter(translation::Column::Language.eq(language.as_str()))
        .exec(&txn)
        .await?;
    translation::Entity::insert(translation::ActiveModel {
        success_story_id: Set(id),
        language: Set(language.to_string()),
        title: Set(text.title),
        summary: Set(text.summary),
        body: Set(text.body),
    })
    .exec_without_returning(&txn)
    .await?;
    let model = changed(&txn, actor, id, expected_version, &clusters).await?;
    txn.commit().await?;
    Ok(model)
}

/// Removes a story's texts in one language; NOT_FOUND when it has none in it.
pub async fn remove_translation<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    language: &str,
) -> AppResult<success_story::Model> {
    let txn = crate::db::begin_write(db).await?;
    let (_, clusters) = locked(&txn, actor, id, expected_version).await?;
    let language = language_to_remove(language)?;
    let removed = translation::Entity::delete_many()
        .filter(translation::Column::SuccessStoryId.eq(id))
        .filter(translation::Column::Language.eq(language.as_str()))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::NotFound(format!(
            "translation {language} of the success story"
        )));
    }
    let model = changed(&txn, actor, id, expected_version, &clusters).await?;
    txn.commit().await?;
    Ok(model)
}
