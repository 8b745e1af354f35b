//! Loaders of the records that a domain rule, not a visibility condition on clusters, decides
//! who may see: accounts, API keys, invitations, audit entries, partner searches and the
//! interest shown in them, mails, digest subscribers, webhook endpoints and their deliveries. Each asks the domain function beside
//! the type's own list (`visible…`), so `node(id:)` and `nodes(ids:)` apply the list's rule;
//! what the caller may not see is simply missing, as if it did not exist.

use std::{collections::HashMap, hash::Hash};

use async_graphql::dataloader::Loader;
use entity::{
    api_key, audit_log, digest_subscriber, expression_of_interest, invitation, outbox_mail, partner_search, user,
    webhook_delivery,
};
use uuid::Uuid;

use super::{loaders::Loaders, webhook::WebhookEndpoint};
use crate::{
    domain::{self, policy},
    error::{AppError, AppResult},
};

macro_rules! keys {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub struct $name(pub Uuid);
        )+
    };
}

keys!(
    /// An account: the caller's own, or any for those who look accounts up.
    UserById,
    /// An API key of a partner organisation whose keys the caller manages.
    ApiKeyById,
    /// An invitation the caller sent or may send.
    InvitationById,
    /// An audit entry within the caller's audit scope.
    AuditEntryById,
    /// An open partner search of a cluster the caller sees.
    PartnerSearchById,
    /// An answer to a search of a cluster the caller edits.
    ExpressionOfInterestById,
    /// A mail, for those who manage the outbox.
    OutboxMailById,
    /// A digest subscriber, for those who manage them.
    DigestSubscriberById,
    /// A webhook endpoint of a partner organisation whose webhooks the caller manages.
    WebhookEndpointById,
    /// A delivery to an endpoint the caller manages.
    WebhookDeliveryById,
);

/// The rows found, keyed as the loader's keys are.
fn keyed<K: Hash + Eq, M>(rows: Vec<M>, key: impl Fn(&M) -> K) -> HashMap<K, M> {
    rows.into_iter().map(|m| (key(&m), m)).collect()
}

fn ids<K>(keys: &[K], id: fn(&K) -> Uuid) -> Vec<Uuid> {
    keys.iter().map(id).collect()
}

impl Loader<UserById> for Loaders {
    type Value = user::Model;
    type Error = AppError;

    async fn load(&self, keys: &[UserById]) -> AppResult<HashMap<UserById, user::Model>> {
        let Some(actor) = self.principal() else {
            return Ok(HashMap::new());
        };
        let rows = domain::account::visible_users(self.db(), actor, &ids(keys, |k| k.0)).await?;
        Ok(keyed(rows, |m| UserById(m.id)))
    }
}

impl Loader<ApiKeyById> for Loaders {
    type Value = api_key::Model;
    type Error = AppError;

    async fn load(&self, keys: &[ApiKeyById]) -> AppResult<HashMap<ApiKeyById, api_key::Model>> {
        let Some(actor) = self.principal() else {
            return Ok(HashMap::new());
        };
        let rows = domain::api_key::visible(self.db(), actor, &ids(keys, |k| k.0)).await?;
        Ok(keyed(rows, |m| ApiKeyById(m.id)))
    }
}

impl Loader<InvitationById> for Loaders {
    type Value = invitation::Model;
    type Error = AppError;

    async fn load(&self, keys: &[InvitationById]) -> AppResult<HashMap<InvitationById, invitation::Model>> {
        let Some(actor) = self.principal() else {
            return Ok(HashMap::new());
        };
        let rows = domain::account::visible_invitations(self.db(), actor, &ids(keys, |k| k.0)).await?;
        Ok(keyed(rows, |m| InvitationById(m.id)))
    }
}

impl Loader<AuditEntryById> for Loaders {
    type Value = audit_log::Model;
    type Error = AppError;

    async fn load(&self, keys: &[AuditEntryById]) -> AppResult<HashMap<AuditEntryById, audit_log::Model>> {
        let Some(scope) = self.principal().and_then(|p| policy::audit_scope(p).ok()) else {
            return Ok(HashMap::new());
        };
        let rows = domain::audit::visible(self.db(), &scope, &ids(keys, |k| k.0)).await?;
        Ok(keyed(rows, |m| AuditEntryById(m.id)))
    }
}

impl Loader<PartnerSearchById> for Loaders {
    type Value = partner_search::Model;
    type Error = AppError;

    async fn load(&self, keys: &[PartnerSearchById]) -> AppResult<HashMap<PartnerSearchById, partner_search::Model>> {
        let rows = domain::partner_search::visible(self.db(), self.visibility(), &ids(keys, |k| k.0)).await?;
        Ok(keyed(rows, |m| PartnerSearchById(m.id)))
    }
}

impl Loader<ExpressionOfInterestById> for Loaders {
    type Value = expression_of_interest::Model;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[ExpressionOfInterestById],
    ) -> AppResult<HashMap<ExpressionOfInterestById, expression_of_interest::Model>> {
        let Some(actor) = self.principal() else {
            return Ok(HashMap::new());
        };
        let rows = domain::partner_search::visible_interests(self.db(), actor, &ids(keys, |k| k.0)).await?;
        Ok(keyed(rows, |m| ExpressionOfInterestById(m.id)))
    }
}

impl Loader<OutboxMailById> for Loaders {
    type Value = outbox_mail::Model;
    type Error = AppError;

    async fn load(&self, keys: &[OutboxMailById]) -> AppResult<HashMap<OutboxMailById, outbox_mail::Model>> {
        let Some(actor) = self.principal() else {
            return Ok(HashMap::new());
        };
        let rows = crate::mail::admin::visible(self.db(), actor, &ids(keys, |k| k.0)).await?;
        Ok(keyed(rows, |m| OutboxMailById(m.id)))
    }
}

impl Loader<DigestSubscriberById> for Loaders {
    type Value = digest_subscriber::Model;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[DigestSubscriberById],
    ) -> AppResult<HashMap<DigestSubscriberById, digest_subscriber::Model>> {
        let Some(actor) = self.principal() else {
            return Ok(HashMap::new());
        };
        let rows = domain::digest::subscription::visible(self.db(), actor, &ids(keys, |k| k.0)).await?;
        Ok(keyed(rows, |m| DigestSubscriberById(m.id)))
    }
}

impl Loader<WebhookEndpointById> for Loaders {
    // With its event types, read in the same batch.
    type Value = WebhookEndpoint;
    type Error = AppError;

    async fn load(&self, keys: &[WebhookEndpointById]) -> AppResult<HashMap<WebhookEndpointById, WebhookEndpoint>> {
        let Some(actor) = self.principal() else {
            return Ok(HashMap::new());
        };
        let rows = crate::webhook::endpoint::visible(self.db(), actor, &ids(keys, |k| k.0)).await?;
        let endpoints = WebhookEndpoint::load_all(self.db(), rows).await?;
        Ok(keyed(endpoints, |e| WebhookEndpointById(e.model.id)))
    }
}

impl Loader<WebhookDeliveryById> for Loaders {
    type Value = webhook_delivery::Model;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[WebhookDeliveryById],
    ) -> AppResult<HashMap<WebhookDeliveryById, webhook_delivery::Model>> {
        let Some(actor) = self.principal() else {
            return Ok(HashMap::new());
        };
        let rows = crate::webhook::delivery::visible(self.db(), actor, &ids(keys, |k| k.0)).await?;
        Ok(keyed(rows, |m| WebhookDeliveryById(m.id)))
    }
}
