//! Messages to citizens through an HTTP gateway (SMS, Zalo, e-mail), by way of an outbox table.
//! A change writes its messages in its own transaction ([`enqueue_status_change`]), so a
//! message exists exactly when the change does; the sender ([`spawn`]) delivers them later,
//! off every request: a gateway that is down, slow or failing delays messages and retries them
//! with backoff, and loses none. Delivery is at least once (a sender that dies after the gateway
//! accepted a message but before recording it sends it again), so every message carries its id
//! for the gateway to drop repeats.

use crate::db::{new_id, now_ms, Db, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::{outbox, reports};
use diesel::prelude::*;
use shared::workflow::ReportStatus;
use shared::Lang;
use std::time::Duration;

/// The longest wait between two attempts.
const MAX_BACKOFF_MS: i64 = 3_600_000;
/// How long a sender holds the messages it took before another may take them.
const CLAIM_MS: i64 = 5 * 60 * 1000;

/// Queues a message to an identified reporter about their report's new status (a phone gets
/// an SMS or Zalo message, an e-mail address an e-mail); an anonymous report gets none.
pub fn enqueue_status_change(
    conn: &mut DbConn,
    report_id: &str,
    status: ReportStatus,
) -> AppResult<usize> {
    let rid = report_id.to_string();
    let (code, phone, email): (String, Option<String>, Option<String>) = db_run!(conn, {
        reports::table
            .filter(reports::id.eq(&rid))
            .select((
                reports::tracking_code,
                reports::reporter_phone_enc,
                reports::reporter_email_enc,
            ))
            .first(conn)
    })?;
    let body = format!(
        "Minh Bạch: phản ánh {} của bạn: {}. Tra cứu bằng mã của bạn tại trang Minh Bạch.",
        super::reports::grouped(&code),
        status.label(Lang::Vi)
    );
    let now = now_ms();
    let mut queued = 0;
    for (channel, recipient) in [("sms", phone), ("email", email)] {
        let Some(recipient) = recipient else { continue };
        let row = (
            outbox::id.eq(new_id()),
            outbox::channel.eq(channel),
            outbox::recipient_enc.eq(recipient),
            outbox::body.eq(body.clone()),
            outbox::report_id.eq(Some(rid.clone())),
            outbox::created_at.eq(now),
            outbox::next_attempt_at.eq(now),
        );
        queued += db_run!(conn, {
            diesel::insert_into(outbox::table)
                .values(row.clone())
                .execute(conn)
        })?;
    }
    Ok(queued)
}

/// A message taken by this sender.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub channel: String,
    pub recipient_enc: String,
    pub body: String,
    pub attempts: i32,
}

/// Takes up to `limit` messages that are due and not held by another sender.
pub fn claim(conn: &mut DbConn, now: i64, limit: i64) -> AppResult<Vec<Claimed>> {
    type Row = (String, String, String, String, i32);
    let due: Vec<Row> = db_run!(conn, {
        outbox::table
            .filter(outbox::sent_at.is_null())
            .filter(outbox::next_attempt_at.le(now))
            .filter(
                outbox::claimed_until
                    .is_null()
                    .or(outbox::claimed_until.lt(now)),
            )
            .order(outbox::next_attempt_at.asc())
            .limit(limit)
            .select((
                outbox::id,
                outbox::channel,
                outbox::recipient_enc,
                outbox::body,
                outbox::attempts,
            ))
            .load(conn)
    })?;
    let mut taken = Vec::with_capacity(due.len());
    for (id, channel, recipient_enc, body, attempts) in due {
        // Taken only if nobody took it since the read: the condition is checked by the update.
        let won = db_run!(conn, {
            diesel::update(
                outbox::table
                    .filter(outbox::id.eq(&id))
                    .filter(outbox::sent_at.is_null())
                    .filter(
                        outbox::claimed_until
                            .is_null()
                            .or(outbox::claimed_until.lt(now)),
                    ),
            )
            .set(outbox::claimed_until.eq(Some(now + CLAIM_MS)))
            .execute(conn)
        })?;
        if won == 1 {
            taken.push(Claimed {
                id,
                channel,
                recipient_enc,
                body,
                attempts,
            });
        }
    }
    Ok(taken)
}

/// Records the gateway's answer: sent, or the error and the time of the next attempt.
pub fn record(
    conn: &mut DbConn,
    id: &str,
    result: Result<(), String>,
    attempts_before: i32,
    retry_ms: i64,
) -> AppResult<()> {
    let now = now_ms();
    let id = id.to_string();
    match result {
        Ok(()) => db_run!(conn, {
            diesel::update(outbox::table.filter(outbox::id.eq(&id)))
                .set((
                    outbox::sent_at.eq(Some(now)),
                    outbox::attempts.eq(attempts_before + 1),
                    outbox::claimed_until.eq(None::<i64>),
                ))
                .execute(conn)
        })?,
        Err(error) => {
            let attempts = attempts_before + 1;
            let wait = retry_ms
                .saturating_mul(1_i64 << attempts_before.clamp(0, 20))
                .min(MAX_BACKOFF_MS);
            db_run!(conn, {
                diesel::update(outbox::table.filter(outbox::id.eq(&id)))
                    .set((
                        outbox::attempts.eq(attempts),
                        outbox::last_error.eq(Some(error.chars().take(500).collect::<String>())),
                        outbox::next_attempt_at.eq(now + wait),
                        outbox::claimed_until.eq(None::<i64>),
                    ))
                    .execute(conn)
            })?
        }
    };
    Ok(())
}

/// The gateway and how to speak to it.
#[derive(Clone)]
pub struct Gateway {
    pub url: String,
    /// ("Authorization", "Bearer …")
    pub header: Option<(String, String)>,
    pub template: String,
    pub client: reqwest::Client,
    pub retry_ms: i64,
}

impl Gateway {
    pub fn from_config(config: &crate::config::Config) -> anyhow::Result<Option<Gateway>> {
        let Some(url) = config.notify_url.clone() else {
            return Ok(None);
        };
        let header = match &config.notify_auth {
            Some(h) => {
                let (name, value) = h.split_once(':').ok_or_else(|| {
                    anyhow::anyhow!("MINHBACH_NOTIFY_AUTH must be \"Name: value\"")
                })?;
                Some((name.trim().to_string(), value.trim().to_string()))
            }
            None => None,
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_millis(config.notify_timeout_ms))
            .build()?;
        Ok(Some(Gateway {
            url,
            header,
            template: config.notify_template.clone(),
            client,
            retry_ms: config.notify_retry_ms.max(1),
        }))
    }

    /// The request body: the template with the message's values, each JSON-escaped.
    pub fn body(&self, id: &str, channel: &str, to: &str, text: &str) -> String {
        let esc = |s: &str| {
            let quoted = serde_json::to_string(s).unwrap_or_default();
            quoted[1..quoted.len() - 1].to_string()
        };
        self.template
            .replace("{{id}}", &esc(id))
            .replace("{{channel}}", &esc(channel))
            .replace("{{to}}", &esc(to))
            .replace("{{text}}", &esc(text))
    }

    async fn send(&self, body: String) -> Result<(), String> {
        let mut req = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        if let Some((name, value)) = &self.header {
            req = req.header(name.as_str(), value.as_str());
        }
        match req.send().await {
            Ok(resp) if resp.status().is_success() => Ok(()),
            Ok(resp) => Err(format!("gateway answered {}", resp.status())),
            Err(e) if e.is_timeout() => Err("gateway timed out".into()),
            Err(e) => Err(format!("gateway unreachable: {e}")),
        }
    }
}

/// One pass: takes the due messages and delivers them; returns how many were sent.
pub async fn deliver_due(
    db: &Db,
    gateway: &Gateway,
    data_key: &crate::crypto::DataKey,
) -> AppResult<usize> {
    let claimed = db.run(|c| claim(c, now_ms(), 50)).await?;
    let mut sent = 0;
    for msg in claimed {
        let result = match data_key.decrypt(&msg.recipient_enc) {
            Some(to) => {
                gateway
                    .send(gateway.body(&msg.id, &msg.channel, &to, &msg.body))
                    .await
            }
            None => Err("the recipient cannot be decrypted with this data key".into()),
        };
        if result.is_ok() {
            sent += 1;
        } else if let Err(e) = &result {
            tracing::warn!(message = %msg.id, attempt = msg.attempts + 1, error = %e, "message not delivered; it will be retried");
        }
        let (id, attempts, retry) = (msg.id.clone(), msg.attempts, gateway.retry_ms);
        db.run(move |c| record(c, &id, result, attempts, retry))
            .await?;
    }
    Ok(sent)
}

/// Runs the sender in this process: every interval, the due messages go to the gateway.
pub fn spawn(state: crate::state::AppState, gateway: Gateway, interval: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = deliver_due(&state.db, &gateway, &state.data_key).await {
                tracing::warn!(error = %e.0.message.en, "outbox pass failed; retrying at the next tick");
            }
        }
    });
}

/// What the outbox holds for a report, for tests and the admin pages: (channel, body, sent).
pub fn of_report(conn: &mut DbConn, report_id: &str) -> AppResult<Vec<(String, String, bool)>> {
    let rid = report_id.to_string();
    let rows: Vec<(String, String, Option<i64>)> = db_run!(conn, {
        outbox::table
            .filter(outbox::report_id.eq(&rid))
            .order(outbox::created_at.asc())
            .select((outbox::channel, outbox::body, outbox::sent_at))
            .load(conn)
    })
    .map_err(AppError::from)?;
    Ok(rows
        .into_iter()
        .map(|(c, b, s)| (c, b, s.is_some()))
        .collect())
}
