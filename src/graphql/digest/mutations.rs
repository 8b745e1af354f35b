//! The writes of digest subscriptions: subscribing (anyone), and what the mailed links do.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use super::DigestSubscriberStatus;
use crate::{
    domain::digest::subscription::{self as domain, SubscriptionRequest, SubscriptionSettings, ACCEPTED_MESSAGE},
    error::AppResult,
    graphql::{
        context::{caller, db, links},
        enums::{to_entity, Ecosystem},
        post::PostKind,
    },
};

/// An address and the topics its digest is about. A topic list left out or empty means all of
/// that kind.
#[derive(InputObject)]
pub struct SubscribeToDigestInput {
    /// The address to send the digest to, at most 254 characters; stored in lower case.
    pub email: String,
    /// The language (BCP 47 tag) to write the digest in; `en` when left out.
    pub language: Option<String>,
    /// The industrial ecosystems to hear about.
    pub ecosystems: Option<Vec<Ecosystem>>,
    /// The countries (ISO 3166-1 alpha-2) to hear about.
    pub countries: Option<Vec<String>>,
    /// The kinds of post to hear about.
    pub post_kinds: Option<Vec<PostKind>>,
    /// The languages (BCP 47 tags, at most 20) of the posts to hear about.
    pub languages: Option<Vec<String>>,
}

/// The same answer for every address, whatever it has subscribed to before.
#[derive(SimpleObject)]
pub struct SubscribeToDigestPayload {
    /// Always true once the input is valid: the request was taken.
    pub accepted: bool,
    /// What to tell the person: look for a mail and follow its link.
    pub message: String,
}

/// The token of a mailed link.
#[derive(InputObject)]
pub struct DigestLinkInput {
    /// The `token` parameter of the link.
    pub token: String,
}

/// A subscription after its confirmation link was followed.
#[derive(SimpleObject)]
pub struct ConfirmDigestSubscriptionPayload {
    /// CONFIRMED.
    pub status: DigestSubscriberStatus,
}

/// A subscription after its unsubscribe link was followed.
#[derive(SimpleObject)]
pub struct UnsubscribeFromDigestPayload {
    /// UNSUBSCRIBED.
    pub status: DigestSubscriberStatus,
}

#[derive(Default)]
pub struct DigestSubscriptionMutation;

#[Object]
impl DigestSubscriptionMutation {
    /// Asks for the weekly digest at an address (anyone may; double opt-in). A mail with a
    /// confirmation link valid 72 hours is sent to the address; one that receives the digest
    /// already is told so instead, and keeps its topics. The answer is the same for every
    /// address, and at most one mail goes to an address per DIGEST_CONFIRMATION_INTERVAL.
    async fn subscribe_to_digest(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The address and its topics.")] input: SubscribeToDigestInput,
    ) -> AppResult<SubscribeToDigestPayload> {
        let settings = ctx.data_opt::<SubscriptionSettings>().copied().unwrap_or_default();
        let request = SubscriptionRequest {
            email: input.email,
            language: input.language,
            ecosystems: to_entity(input.ecosystems),
            countries: input.countries.unwrap_or_default(),
            post_kinds: to_entity(input.post_kinds),
            languages: input.languages.unwrap_or_default(),
        };
        domain::subscribe(db(ctx), links(ctx), settings, caller(ctx).principal(), request).await?;
        Ok(SubscribeToDigestPayload {
            accepted: true,
            message: ACCEPTED_MESSAGE.to_owned(),
        })
    }

    /// Confirms a subscription with the token of its confirmation link (anyone holding it).
    /// A token that is malformed, forged, expired, for another purpose, used already or
    /// overtaken by a newer one is LINK_INVALID.
    async fn confirm_digest_subscription(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token of the confirmation link.")] input: DigestLinkInput,
    ) -> AppResult<ConfirmDigestSubscriptionPayload> {
        let subscriber = domain::confirm(db(ctx), links(ctx), caller(ctx).principal(), &input.token).await?;
        Ok(ConfirmDigestSubscriptionPayload {
            status: subscriber.status.into(),
        })
    }

    /// Ends a subscription with the token of its unsubscribe link (anyone holding it); again
    /// changes nothing. A bad or expired token is LINK_INVALID.
    async fn unsubscribe_from_digest(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token of the unsubscribe link.")] input: DigestLinkInput,
    ) -> AppResult<UnsubscribeFromDigestPayload> {
        let subscriber = domain::unsubscribe(db(ctx), links(ctx), caller(ctx).principal(), &input.token).await?;
        Ok(UnsubscribeFromDigestPayload {
            status: subscriber.status.into(),
        })
    }
}
