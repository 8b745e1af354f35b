//! The HTTP client of deliveries: reqwest on rustls with ring and the webpki roots, a timeout
//! per delivery, no redirects, no proxy, and the filtering resolver of `address`.

use std::{sync::Arc, time::Duration};

use chrono::Utc;

use super::{address, settings::AddressRules, signature};
use crate::{
    error::{AppError, AppResult},
    outbox::Outcome,
};

/// Most bytes of a receiver's answer kept as the last error.
const ANSWER_MAX: usize = 500;

/// What one delivery attempt came to.
pub struct Attempted {
    pub outcome: Outcome,
    /// The receiver's HTTP status, if it answered.
    pub response_code: Option<u16>,
}

/// One message to send: its id, body and the secrets to sign it with.
pub struct Message<'a> {
    pub url: &'a str,
    pub id: String,
    pub body: &'a str,
    pub secrets: Vec<&'a str>,
}

#[derive(Clone)]
pub struct WebhookClient {
    client: reqwest::Client,
    rules: AddressRules,
}

impl WebhookClient {
    pub fn new(rules: AddressRules, timeout: Duration) -> AppResult<Self> {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(AppError::internal)?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .dns_resolver(address::FilteringResolver::shared(rules))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("clusterbridge-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(AppError::internal)?;
        Ok(Self { client, rules })
    }

    /// Signs and posts `message`. A 2xx answer is a success; anything else, a redirect
    /// included, is a failure worth retrying (the receiver may come back), except a URL the
    /// rules refuse now, which is refused for good.
    pub async fn deliver(&self, message: Message<'_>) -> Attempted {
        // Literal addresses never reach the resolver, so the URL is checked again here.
        if let Err(refused) = address::check_url(message.url, self.rules) {
            return failed(Outcome::Permanent(format!("the URL is refused: {refused}")), None);
        }
        let timestamp = Utc::now().timestamp();
        let signature = match signature::header(&message.secrets, &message.id, timestamp, message.body) {
            Ok(signature) => signature,
            Err(error) => return failed(Outcome::Permanent(error.to_string()), None),
        };
        let sent = self
            .client
            .post(message.url)
            .header("content-type", "application/json")
            .header("webhook-id", &message.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(message.body.to_owned())
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => return failed(Outcome::Temporary(describe(&error)), None),
        };
        let status = response.status();
        if status.is_success() {
            return Attempted {
                outcome: Outcome::Sent,
                response_code: Some(status.as_u16()),
            };
        }
        let answer: String = response
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(ANSWER_MAX)
            .collect();
        let why = if status.is_redirection() {
            format!("answered {status} (redirects are not followed)")
        } else {
            format!("answered {status}: {answer}")
        };
        failed(Outcome::Temporary(why), Some(status.as_u16()))
    }
}

fn failed(outcome: Outcome, response_code: Option<u16>) -> Attempted {
    Attempted { outcome, response_code }
}

/// The error and its causes, which say what went wrong (the resolver's refusal sits inside).
fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() {
        "timed out".to_owned()
    } else {
        error.to_string()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
