//! Texts in several languages, for every translated type (posts, clusters, success stories):
//! which preference a field answers by, and the writes of cluster descriptions' and success
//! stories' translations (posts have theirs in `post::translations`).

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use entity::{cluster_translation, success_story_translation};

use crate::{
    domain::{cluster, locale::Preference, policy, success_story_translation as story, translation::negotiate},
    error::AppResult,
    graphql::{
        cluster::{Cluster, TYPE_NAME as CLUSTER},
        context::{caller, db, list},
        loaders as l, node,
        success_story::{SuccessStory, TYPE_NAME as SUCCESS_STORY},
    },
};

static NO_PREFERENCE: Preference = Preference::none();

/// The languages a text answers in: a field's `locale` when given, else the request's
/// `Accept-Language`, else none (the primary text).
pub fn preference<'a>(ctx: &'a Context<'_>, locale: Option<&'a Preference>) -> &'a Preference {
    match locale {
        Some(locale) => locale,
        None => ctx.data_opt::<Preference>().unwrap_or(&NO_PREFERENCE),
    }
}

/// A cluster's description in one language other than its primary one.
#[derive(InputObject)]
pub struct SetClusterTranslationInput {
    /// The cluster's global ID.
    pub id: ID,
    /// The cluster's version you read.
    pub version: i32,
    /// The language: a BCP 47 tag (`zh-Hant`, `zh-TW`, `en-GB` …), stored in canonical form
    /// (`zh-TW` as `zh-Hant-TW`); not the cluster's primary language. At most 10 per cluster.
    pub language: String,
    /// The description in that language; plain text, trimmed, not empty, at most 20,000 characters.
    pub description: String,
}

/// Which translation of a cluster's description to remove.
#[derive(InputObject)]
pub struct RemoveClusterTranslationInput {
    /// The cluster's global ID.
    pub id: ID,
    /// The cluster's version you read.
    pub version: i32,
    /// The language of the translation (BCP 47 tag).
    pub language: String,
}

/// The result of a cluster translation mutation.
#[derive(SimpleObject)]
pub struct ClusterTranslationPayload {
    /// The cluster as it is now, with its new `version`.
    pub cluster: Cluster,
}

/// A success story's texts in one language other than its primary one; the rules of the
/// story's own texts apply.
#[derive(InputObject)]
pub struct SetSuccessStoryTranslationInput {
    /// The story's global ID.
    pub id: ID,
    /// The story's version you read.
    pub version: i32,
    /// The language: a BCP 47 tag, stored in canonical form; not the story's primary
    /// language. At most 10 per story.
    pub language: String,
    /// The headline in that language; trimmed, not empty, at most 200 characters.
    pub title: String,
    /// The story in a few sentences in that language; not empty, at most 2,000 characters.
    pub summary: String,
    /// The whole story in that language; plain text, at most 20,000 characters.
    pub body: Option<String>,
}

/// Which translation of a success story to remove.
#[derive(InputObject)]
pub struct RemoveSuccessStoryTranslationInput {
    /// The story's global ID.
    pub id: ID,
    /// The story's version you read.
    pub version: i32,
    /// The language of the translation (BCP 47 tag).
    pub language: String,
}

/// The result of a success story translation mutation.
#[derive(SimpleObject)]
pub struct SuccessStoryTranslationPayload {
    /// The story as it is now, with its new `version`.
    pub success_story: SuccessStory,
}

#[derive(Default)]
pub struct TranslationMutation;

#[Object]
impl TranslationMutation {
    /// Writes a cluster's description in one language, replacing what that language had: for
    /// the cluster's editors. The cluster's version moves on, and search finds it by these
    /// words too.
    async fn set_cluster_translation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `SetClusterTranslationInput`.")]
        input: SetClusterTranslationInput,
    ) -> AppResult<ClusterTranslationPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, CLUSTER)?;
        let model =
            cluster::set_translation(db(ctx), actor, id, input.version, &input.language, input.description).await?;
        Ok(ClusterTranslationPayload {
            cluster: Cluster(model),
        })
    }

    /// Removes a cluster's description in one language: for the cluster's editors. NOT_FOUND
    /// when the cluster has no translation in it.
    async fn remove_cluster_translation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cluster, the version you read and the language.")] input: RemoveClusterTranslationInput,
    ) -> AppResult<ClusterTranslationPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, CLUSTER)?;
        let model = cluster::remove_translation(db(ctx), actor, id, input.version, &input.language).await?;
        Ok(ClusterTranslationPayload {
            cluster: Cluster(model),
        })
    }

    /// Writes a success story's texts in one language, replacing what that language had: for
    /// the editors of the clusters that confirmed the story. The story's version moves on.
    async fn set_success_story_translation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `SetSuccessStoryTranslationInput`.")]
        input: SetSuccessStoryTranslationInput,
    ) -> AppResult<SuccessStoryTranslationPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, SUCCESS_STORY)?;
        let text = story::Translation {
            language: input.language,
            title: input.title,
            summary: input.summary,
            body: input.body,
        };
        let model = story::set_translation(db(ctx), actor, id, input.version, text).await?;
        Ok(SuccessStoryTranslationPayload {
            success_story: SuccessStory(model),
        })
    }

    /// Removes a success story's texts in one language: for the editors of the clusters that
    /// confirmed the story. NOT_FOUND when the story has no translation in it.
    async fn remove_success_story_translation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The story, the version you read and the language.")]
        input: RemoveSuccessStoryTranslationInput,
    ) -> AppResult<SuccessStoryTranslationPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, SUCCESS_STORY)?;
        let model = story::remove_translation(db(ctx), actor, id, input.version, &input.language).await?;
        Ok(SuccessStoryTranslationPayload {
            success_story: SuccessStory(model),
        })
    }
}

/// A success story's texts in one language.
pub struct StoryTexts {
    pub language: String,
    pub title: String,
    pub summary: String,
    pub body: Option<String>,
}

impl Cluster {
    pub(crate) async fn translations_of(&self, ctx: &Context<'_>) -> AppResult<Vec<cluster_translation::Model>> {
        list(ctx, l::ClusterTranslationsOf(self.0.id)).await
    }

    /// The description in the best language for `locale` (else the request's), and that
    /// language.
    pub(crate) async fn description_in(
        &self,
        ctx: &Context<'_>,
        locale: Option<&str>,
    ) -> AppResult<(Option<String>, String)> {
        let locale = Preference::from_argument("locale", locale)?;
        let preference = preference(ctx, locale.as_ref());
        // A reader who asks for no language reads the primary text, without the translations.
        let translations = match preference.is_empty() {
            true => Vec::new(),
            false => self.translations_of(ctx).await?,
        };
        Ok(match negotiate(preference, &self.0.language, translations) {
            Some(t) => (Some(t.description), t.language),
            None => (self.0.description.clone(), self.0.language.clone()),
        })
    }
}

impl SuccessStory {
    async fn translations_of(&self, ctx: &Context<'_>) -> AppResult<Vec<success_story_translation::Model>> {
        list(ctx, l::SuccessStoryTranslationsOf(self.0.id)).await
    }

    /// The languages the story is translated into.
    pub(crate) async fn translation_languages(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        Ok(self
            .translations_of(ctx)
            .await?
            .into_iter()
            .map(|t| t.language)
            .collect())
    }

    /// The texts in the best language for `locale` (else the request's), the primary ones when
    /// no other fits.
    pub(crate) async fn texts(&self, ctx: &Context<'_>, locale: Option<&str>) -> AppResult<StoryTexts> {
        let locale = Preference::from_argument("locale", locale)?;
        let preference = preference(ctx, locale.as_ref());
        let translations = match preference.is_empty() {
            true => Vec::new(),
            false => self.translations_of(ctx).await?,
        };
        Ok(match negotiate(preference, &self.0.language, translations) {
            Some(t) => StoryTexts {
                language: t.language,
                title: t.title,
                summary: t.summary,
                body: t.body,
            },
            None => StoryTexts {
                language: self.0.language.clone(),
                title: self.0.title.clone(),
                summary: self.0.summary.clone(),
                body: self.0.body.clone(),
            },
        })
    }
}
