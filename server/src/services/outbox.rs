//! Messages through an HTTP gateway (SMS, Zalo, e-mail), by way of an outbox table: to
//! identified reporters when their report's status changes, and to staff (a head told of a new
//! denunciation, or of the next reception session). A change writes its messages in its own
//! transaction ([`enqueue`]), so a message exists exactly when the change does; the sender
//! ([`spawn`]) delivers them later, off every request: a gateway that is down, slow or failing
//! delays messages and retries them with backoff, and loses none. Delivery is at least once (a
//! sender that dies after the gateway accepted a message but before recording it sends it
//! again), so every message carries its id for the gateway to drop repeats.

use crate::db::{in_transaction, new_id, now_ms, Db, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::{outbox, reports};
use diesel::prelude::*;
use futures_util::StreamExt;
use shared::workflow::ReportStatus;
use shared::Lang;
use std::time::Duration;

/// The longest wait between two attempts.
const MAX_BACKOFF_MS: i64 = 3_600_000;
/// How long a sender holds the messages it took before another may take them.
const CLAIM_MS: i64 = 5 * 60 * 1000;
/// The most messages one sender takes at once.
const MAX_BATCH: i64 = 500;

/// What a message is about, kept with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// To an identified reporter: their report's new status.
    StatusChange,
    /// To the heads of a unit: a denunciation was received.
    DenunciationAlert,
    /// To the heads of a unit: the agenda of tomorrow's reception session.
    ReceptionDigest,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::StatusChange => "status_change",
            MessageKind::DenunciationAlert => "denunciation_alert",
            MessageKind::ReceptionDigest => "reception_digest",
        }
    }
}

/// Where one message goes: a channel and an address sealed with the data key, as stored with
/// the reporter or the account (it is opened only when sending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// "sms" (a phone: SMS or Zalo, as the gateway decides) or "email".
    pub channel: &'static str,
    pub address_enc: String,
    /// The member of staff the message goes to, if it goes to one.
    pub account_id: Option<String>,
}

impl Recipient {
    /// A message to the phone and one to the e-mail address, whichever are known.
    pub fn of_contact(
        phone_enc: Option<String>,
        email_enc: Option<String>,
        account_id: Option<&str>,
    ) -> Vec<Recipient> {
        [("sms", phone_enc), ("email", email_enc)]
            .into_iter()
            .filter_map(|(channel, address)| {
                address.map(|address_enc| Recipient {
                    channel,
                    address_enc,
                    account_id: account_id.map(str::to_string),
                })
            })
            .collect()
    }
}

/// Queues `body` to each recipient, in the caller's transaction: the messages are there exactly
/// when the change that caused them is. Returns how many were queued.
pub fn enqueue(
    conn: &mut DbConn,
    kind: MessageKind,
    report_id: Option<&str>,
    recipients: &[Recipient],
    body: &str,
) -> AppResult<usize> {
    let now = now_ms();
    let mut queued = 0;
    for to in recipients {
        let row = (
            outbox::id.eq(new_id()),
            outbox::kind.eq(kind.as_str()),
            outbox::channel.eq(to.channel),
            outbox::recipient_enc.eq(&to.address_enc),
            outbox::account_id.eq(to.account_id.as_deref()),
            outbox::body.eq(body),
            outbox::report_id.eq(report_id),
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
    enqueue(
        conn,
        MessageKind::StatusChange,
        Some(report_id),
        &Recipient::of_contact(phone, email, None),
        &body,
    )
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
    let due: Vec<String> = db_run!(conn, {
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
            .select(outbox::id)
            .load(conn)
    })?;
    if due.is_empty() {
        return Ok(Vec::new());
    }
    type Row = (String, String, String, String, i32);
    // One statement takes them all. The condition is checked again by the update, row by row
    // (PostgreSQL re-reads a row another sender changed meanwhile), so a message another
    // sender took since the read is not taken, and not returned.
    let taken: Vec<Row> = db_run!(conn, {
        diesel::update(
            outbox::table
                .filter(outbox::id.eq_any(&due))
                .filter(outbox::sent_at.is_null())
                .filter(
                    outbox::claimed_until
                        .is_null()
                        .or(outbox::claimed_until.lt(now)),
                ),
        )
        .set(outbox::claimed_until.eq(Some(now + CLAIM_MS)))
        .returning((
            outbox::id,
            outbox::channel,
            outbox::recipient_enc,
            outbox::body,
            outbox::attempts,
        ))
        .get_results(conn)
    })?;
    Ok(taken
        .into_iter()
        .map(|(id, channel, recipient_enc, body, attempts)| Claimed {
            id,
            channel,
            recipient_enc,
            body,
            attempts,
        })
        .collect())
}

/// The gateway's answer to one message.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub id: String,
    /// Attempts before this one.
    pub attempts: i32,
    pub result: Result<(), String>,
    /// The gateway was asked (the recipient could be opened).
    pub asked_gateway: bool,
}

/// Records the gateway's answers in one transaction: sent, or the error and the time of the
/// next attempt (the wait doubling with each attempt, up to an hour).
pub fn record(conn: &mut DbConn, outcomes: &[Outcome], retry_ms: i64) -> AppResult<()> {
    let now = now_ms();
    let sent: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.result.is_ok())
        .map(|o| o.id.as_str())
        .collect();
    in_transaction(conn, |conn| {
        for ids in sent.chunks(MAX_BATCH as usize) {
            db_run!(conn, {
                diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
                    .set((
                        outbox::sent_at.eq(Some(now)),
                        outbox::attempts.eq(outbox::attempts + 1),
                        outbox::claimed_until.eq(None::<i64>),
                    ))
                    .execute(conn)
            })?;
        }
        for failed in outcomes {
            let Err(error) = &failed.result else { continue };
            let wait = retry_ms
                .saturating_mul(1_i64 << failed.attempts.clamp(0, 20))
                .min(MAX_BACKOFF_MS);
            let error: String = error.chars().take(500).collect();
            db_run!(conn, {
                diesel::update(outbox::table.filter(outbox::id.eq(&failed.id)))
                    .set((
                        outbox::attempts.eq(failed.attempts + 1),
                        outbox::last_error.eq(Some(&error)),
                        outbox::next_attempt_at.eq(now + wait),
                        outbox::claimed_until.eq(None::<i64>),
                    ))
                    .execute(conn)
            })?;
        }
        Ok(())
    })
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
    /// Messages sent at once.
    pub concurrency: usize,
    /// Messages taken at once: as many as can surely be sent, each waiting for the whole
    /// timeout, well within the time they are held ([`CLAIM_MS`]).
    pub batch: i64,
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
        let concurrency = config.notify_concurrency.clamp(1, 256);
        let rounds = (CLAIM_MS / 2 / config.notify_timeout_ms.max(1) as i64).max(1);
        Ok(Some(Gateway {
            url,
            header,
            template: config.notify_template.clone(),
            client,
            retry_ms: config.notify_retry_ms.max(1),
            concurrency,
            batch: (concurrency as i64 * rounds).clamp(1, MAX_BATCH),
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

/// What a pass of the sender did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    /// Nothing sent to the gateway in the last batch got through: it looks down, and the next
    /// pass tries a single message before taking a batch.
    pub gateway_down: bool,
}

/// One pass: takes the due messages a batch at a time and delivers each batch with
/// `gateway.concurrency` requests in flight, until the queue is empty or a whole batch failed.
/// When the gateway looked down (`gateway_down`, from the pass before) the pass starts with one
/// message, so that an outage costs one attempt per tick instead of pushing every queued
/// message into a longer and longer backoff that would hold it back long after the gateway
/// recovered.
pub async fn deliver_due(
    db: &Db,
    gateway: &Gateway,
    data_key: &crate::crypto::DataKey,
    gateway_down: bool,
) -> AppResult<Pass> {
    let mut pass = Pass {
        sent: 0,
        gateway_down,
    };
    loop {
        let limit = if pass.gateway_down { 1 } else { gateway.batch };
        let claimed = db.run(move |c| claim(c, now_ms(), limit)).await?;
        let taken = claimed.len() as i64;
        if taken == 0 {
            break;
        }
        let outcomes: Vec<Outcome> = futures_util::stream::iter(claimed)
            .map(|msg| async move {
                let to = data_key.decrypt(&msg.recipient_enc);
                let result = match &to {
                    Some(to) => {
                        gateway
                            .send(gateway.body(&msg.id, &msg.channel, to, &msg.body))
                            .await
                    }
                    None => Err("the recipient cannot be decrypted with this data key".into()),
                };
                Outcome {
                    id: msg.id,
                    attempts: msg.attempts,
                    result,
                    asked_gateway: to.is_some(),
                }
            })
            .buffer_unordered(gateway.concurrency)
            .collect()
            .await;
        let delivered = outcomes.iter().filter(|o| o.result.is_ok()).count();
        if let Some(failed) = outcomes.iter().find(|o| o.result.is_err()) {
            tracing::warn!(
                failed = outcomes.len() - delivered,
                message = %failed.id,
                attempt = failed.attempts + 1,
                error = %failed.result.clone().err().unwrap_or_default(),
                "messages not delivered; they will be retried"
            );
        }
        let asked = outcomes.iter().any(|o| o.asked_gateway);
        let retry = gateway.retry_ms;
        db.run(move |c| record(c, &outcomes, retry)).await?;
        pass.sent += delivered;
        pass.gateway_down = asked && delivered == 0;
        // Down: wait for the next tick. A short batch emptied the queue (a probe that got
        // through goes on with a whole batch).
        if pass.gateway_down || (taken < limit && limit == gateway.batch) {
            break;
        }
    }
    Ok(pass)
}

/// Runs the sender in this process: every interval, the due messages go to the gateway.
pub fn spawn(state: crate::state::AppState, gateway: Gateway, interval: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut gateway_down = false;
        loop {
            tick.tick().await;
            match deliver_due(&state.db, &gateway, &state.data_key, gateway_down).await {
                Ok(pass) => {
                    crate::metrics::job_run("outbox", "ran");
                    gateway_down = pass.gateway_down
                }
                Err(e) => {
                    crate::metrics::job_run("outbox", "failed");
                    tracing::warn!(error = %e.0.message.en, "outbox pass failed; retrying at the next tick")
                }
            }
        }
    });
}

/// Messages not yet delivered, and the age in seconds of the oldest (0 when none): the
/// outbox's depth for `/metrics`.
pub fn depth(conn: &mut DbConn, now: i64) -> AppResult<(i64, i64)> {
    let (count, oldest): (i64, Option<i64>) = db_run!(conn, {
        outbox::table
            .filter(outbox::sent_at.is_null())
            .select((
                diesel::dsl::count_star(),
                diesel::dsl::min(outbox::created_at),
            ))
            .first(conn)
    })?;
    Ok((count, oldest.map_or(0, |t| ((now - t) / 1000).max(0))))
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

/// A message in the outbox, as tests and the admin pages read it (the recipient stays sealed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub id: String,
    pub channel: String,
    pub account_id: Option<String>,
    pub report_id: Option<String>,
    pub body: String,
    pub sent: bool,
}

/// Every message of a kind, oldest first.
pub fn of_kind(conn: &mut DbConn, kind: MessageKind) -> AppResult<Vec<Queued>> {
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        Option<i64>,
    );
    let rows: Vec<Row> = db_run!(conn, {
        outbox::table
            .filter(outbox::kind.eq(kind.as_str()))
            .order((outbox::created_at.asc(), outbox::id.asc()))
            .select((
                outbox::id,
                outbox::channel,
                outbox::account_id,
                outbox::report_id,
                outbox::body,
                outbox::sent_at,
            ))
            .load(conn)
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(id, channel, account_id, report_id, body, sent_at)| Queued {
                id,
                channel,
                account_id,
                report_id,
                body,
                sent: sent_at.is_some(),
            },
        )
        .collect())
}
