//! The writes of a post's translations: its title, summary and body in another language, set
//! or removed by the cluster's editors at the post's version.

use async_graphql::{Context, InputObject, Object, ID};

use super::{mutations::PostPayload, Post, TYPE_NAME};
use crate::{
    domain::{
        policy,
        post::{self as domain, Translation},
    },
    error::AppResult,
    graphql::{
        context::{caller, db},
        node,
    },
};

/// A post's text in one language other than its primary one; the rules of the post's own
/// texts apply, its body is sanitised the same way.
#[derive(InputObject)]
pub struct SetPostTranslationInput {
    /// The post's global ID.
    pub id: ID,
    /// The post's version you read.
    pub version: i32,
    /// The language: a BCP 47 tag (`zh-Hant`, `zh-TW`, `en-GB` …), stored in canonical form
    /// (`zh-TW` as `zh-Hant-TW`); not the post's primary language.
    pub language: String,
    /// The title in that language; trimmed, not empty, at most 200 characters.
    pub title: String,
    /// The summary in that language, at most 500 characters.
    pub summary: Option<String>,
    /// The body in that language, in Markdown, at most 20,000 characters.
    pub body_markdown: String,
}

/// Which translation of a post to remove.
#[derive(InputObject)]
pub struct RemovePostTranslationInput {
    /// The post's global ID.
    pub id: ID,
    /// The post's version you read.
    pub version: i32,
    /// The language of the translation (BCP 47 tag).
    pub language: String,
}

#[derive(Default)]
pub struct PostTranslationMutation;

#[Object]
impl PostTranslationMutation {
    /// Writes a post's text in one language, replacing what that language had: for the
    /// cluster's editors. The post's version moves on, and search finds it by these words too.
    async fn set_post_translation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `SetPostTranslationInput`.")]
        input: SetPostTranslationInput,
    ) -> AppResult<PostPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let text = Translation {
            language: input.language,
            title: input.title,
            summary: input.summary,
            body_markdown: input.body_markdown,
        };
        let model = domain::set_translation(db(ctx), actor, id, input.version, text).await?;
        Ok(PostPayload { post: Post::new(model) })
    }

    /// Removes a post's text in one language: for the cluster's editors. NOT_FOUND when the
    /// post has no translation in it.
    async fn remove_post_translation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post, the version you read and the language.")] input: RemovePostTranslationInput,
    ) -> AppResult<PostPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let model = domain::remove_translation(db(ctx), actor, id, input.version, &input.language).await?;
        Ok(PostPayload { post: Post::new(model) })
    }
}
