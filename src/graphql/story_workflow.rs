//! A success story's way to publication in GraphQL: `submitSuccessStory` by its editors,
//! `publishSuccessStory` and `returnSuccessStory` (with a reason) by its moderators.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use super::{
    context::{caller, db},
    node,
    success_story::{SuccessStory, TYPE_NAME as STORY},
};
use crate::{
    domain::{
        policy,
        success_story::{self as domain, Step},
    },
    error::AppResult,
};

/// The story to submit or publish.
#[derive(InputObject)]
pub struct SuccessStoryStepInput {
    /// The story's global ID.
    pub id: ID,
    /// The `version` you read; a newer one on the server means someone else changed it (CONFLICT).
    pub version: i32,
}

/// The story to return to its editors, and why.
#[derive(InputObject)]
pub struct ReturnSuccessStoryInput {
    /// The story's global ID.
    pub id: ID,
    /// The `version` you read; a newer one on the server means someone else changed it (CONFLICT).
    pub version: i32,
    /// Why: its author and editors read it as `moderationNote`; 1–1,000 characters.
    pub reason: String,
}

/// The result of a step of a story's workflow.
#[derive(SimpleObject)]
pub struct SuccessStoryStepPayload {
    /// The story as it now stands, with its new `status` and `version`.
    pub success_story: SuccessStory,
}

#[derive(Default)]
pub struct StoryWorkflowMutation;

async fn advance(ctx: &Context<'_>, id: &ID, version: i32, step: Step) -> AppResult<SuccessStoryStepPayload> {
    let actor = policy::signed_in(caller(ctx))?;
    let id = node::decode("id", id, STORY)?;
    let model = domain::advance(db(ctx), actor, id, version, step).await?;
    Ok(SuccessStoryStepPayload {
        success_story: SuccessStory(model),
    })
}

#[Object]
impl StoryWorkflowMutation {
    /// Submits a DRAFT for publication: for the editors of a cluster that confirmed the story.
    async fn submit_success_story(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `SuccessStoryStepInput`.")]
        input: SuccessStoryStepInput,
    ) -> AppResult<SuccessStoryStepPayload> {
        advance(ctx, &input.id, input.version, Step::Submit).await
    }

    /// Publishes a SUBMITTED story: for the partner of the country of a cluster it names, and
    /// administrators. It shows on each named cluster that confirmed it.
    async fn publish_success_story(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `SuccessStoryStepInput`.")]
        input: SuccessStoryStepInput,
    ) -> AppResult<SuccessStoryStepPayload> {
        advance(ctx, &input.id, input.version, Step::Publish).await
    }

    /// Returns a SUBMITTED or PUBLISHED story to DRAFT with a reason its author reads: for
    /// those who publish it. A published story is taken down until it is published again.
    async fn return_success_story(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `ReturnSuccessStoryInput`.")]
        input: ReturnSuccessStoryInput,
    ) -> AppResult<SuccessStoryStepPayload> {
        advance(ctx, &input.id, input.version, Step::Return(input.reason)).await
    }
}
