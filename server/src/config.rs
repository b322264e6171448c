//! Settings, each from a command-line flag or an environment variable, with defaults that run the
//! whole platform on a laptop.

use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long = "addr", env = "MINHBACH_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,

    /// `sqlite://PATH` (the embedded default) or `postgres://USER@HOST/DB`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/minhbach.db"
    )]
    pub database_url: String,

    /// Connections in the database pool.
    #[arg(long, env = "MINHBACH_DB_POOL_SIZE", default_value_t = 8)]
    pub db_pool_size: u32,

    /// Key for signing access tokens (at least 32 bytes). Without it the server makes one and
    /// keeps it in the database, so that every process on that database shares it.
    #[arg(long, env = "MINHBACH_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// Lifetime of an API access token, in seconds.
    #[arg(long, env = "MINHBACH_ACCESS_TTL", default_value_t = 900)]
    pub access_ttl_secs: i64,

    /// Lifetime of an API refresh token, in seconds.
    #[arg(long, env = "MINHBACH_REFRESH_TTL", default_value_t = 30 * 24 * 3600)]
    pub refresh_ttl_secs: i64,

    /// A web sign-in ends after this many seconds without use.
    #[arg(long, env = "MINHBACH_WEB_IDLE_TTL", default_value_t = 8 * 3600)]
    pub web_idle_ttl_secs: i64,

    /// Directory with the built web assets (`pkg/` with the WASM bundle, `style.css`).
    #[arg(long, env = "MINHBACH_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// Mark cookies `Secure`. Defaults to on unless listening on a loopback address.
    #[arg(long, env = "MINHBACH_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,

    /// Take the client address from the rightmost `X-Forwarded-For` entry, the one the proxy
    /// appended (only behind a trusted reverse proxy).
    #[arg(long, env = "MINHBACH_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,

    /// Sign-in attempts allowed per account before waiting (one more every 30 s).
    #[arg(long, env = "MINHBACH_LOGIN_BURST_PER_ACCOUNT", default_value_t = 5)]
    pub login_burst_per_account: u32,

    /// Sign-in attempts allowed per network address before waiting (one more every 2 s).
    #[arg(long, env = "MINHBACH_LOGIN_BURST_PER_ADDRESS", default_value_t = 30)]
    pub login_burst_per_address: u32,

    /// Count the rate limits in the database, shared by every process on it, instead of in
    /// this process's memory. Defaults to on for PostgreSQL (several processes behind a load
    /// balancer) and off for SQLite (one process, no write per request).
    #[arg(long, env = "MINHBACH_SHARED_LIMITS")]
    pub shared_limits: Option<bool>,

    /// Days a feedback report keeps its reporter's identity and photos once final (closed,
    /// declined, forwarded or withdrawn); 0 keeps them.
    #[arg(long, env = "MINHBACH_RETENTION_FEEDBACK_DAYS", default_value_t = 3 * 365)]
    pub retention_feedback_days: i64,

    /// The same for suggestions (kiến nghị).
    #[arg(long, env = "MINHBACH_RETENTION_SUGGESTION_DAYS", default_value_t = 3 * 365)]
    pub retention_suggestion_days: i64,

    /// The same for complaints (khiếu nại), whose decisions may be contested for longer.
    #[arg(long, env = "MINHBACH_RETENTION_COMPLAINT_DAYS", default_value_t = 5 * 365)]
    pub retention_complaint_days: i64,

    /// The same for denunciations (tố cáo).
    #[arg(long, env = "MINHBACH_RETENTION_DENUNCIATION_DAYS", default_value_t = 5 * 365)]
    pub retention_denunciation_days: i64,

    /// Days a rating keeps the pseudonyms of its phone and network, its comment and dossier
    /// code; the rating itself and every figure stay. 0 keeps them.
    #[arg(long, env = "MINHBACH_RETENTION_RATING_DAYS", default_value_t = 2 * 365)]
    pub retention_rating_days: i64,

    /// Seconds between two runs of the data lifecycle job (citizens' erasure requests,
    /// retention); 0 turns it off in this process. Requests must be done within 72 hours.
    #[arg(long, env = "MINHBACH_LIFECYCLE_INTERVAL", default_value_t = 3600)]
    pub lifecycle_interval_secs: u64,

    /// Seconds between two runs of the overdue job (escalating cases past their deadline);
    /// 0 turns the job off in this process.
    #[arg(long, env = "MINHBACH_OVERDUE_INTERVAL", default_value_t = 300)]
    pub overdue_interval_secs: u64,

    /// The fewest ratings (or deadlines) a published rate stands on: under it every page says
    /// "chưa đủ đánh giá" instead of a rate, and rankings leave the unit unranked.
    #[arg(long, env = "MINHBACH_MIN_RATINGS", default_value_t = shared::figures::DEFAULT_MIN_RATINGS)]
    pub min_ratings: i64,

    /// Seconds the public pages' figures are kept in memory before they are computed again.
    #[arg(long, env = "MINHBACH_PUBLIC_CACHE_SECS", default_value_t = 300)]
    pub public_cache_secs: u64,

    /// One rating per phone per counter within this many seconds.
    #[arg(long, env = "MINHBACH_RATING_WINDOW", default_value_t = 4 * 3600)]
    pub rating_window_secs: i64,

    /// More ratings than this at one counter within a minute are flagged as a burst.
    #[arg(long, env = "MINHBACH_RATING_COUNTER_BURST", default_value_t = 30)]
    pub rating_counter_burst_per_minute: i64,

    /// More ratings than this from one network address within ten minutes are flagged.
    #[arg(long, env = "MINHBACH_RATING_NETWORK_BURST", default_value_t = 100)]
    pub rating_network_burst_per_10_minutes: i64,

    /// Citizen submissions (ratings, reports) per phone per minute before "try again later".
    #[arg(
        long,
        env = "MINHBACH_CITIZEN_PER_DEVICE_PER_MINUTE",
        default_value_t = 10
    )]
    pub citizen_per_device_per_minute: u32,

    /// Citizen submissions per network address per minute (mobile networks put many phones
    /// behind one address, so this is generous).
    #[arg(
        long,
        env = "MINHBACH_CITIZEN_PER_NETWORK_PER_MINUTE",
        default_value_t = 300
    )]
    pub citizen_per_network_per_minute: u32,

    /// Key that encrypts reporters' names, phones and e-mails at rest: 32 bytes in base64
    /// (make one with `openssl rand -base64 32`). Without it the server makes one and keeps it
    /// in the database, which protects nothing against a stolen database: set it in production.
    #[arg(long, env = "MINHBACH_DATA_KEY", hide_env_values = true)]
    pub data_key: Option<String>,

    /// Largest photo a citizen may upload, in bytes (the page shrinks photos before sending).
    #[arg(long, env = "MINHBACH_MAX_PHOTO_BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_photo_bytes: usize,

    /// Where report photos are kept: `database` (with everything else, in one backup), or an
    /// S3-compatible object store as `s3://bucket` or `s3://bucket/prefix` (AWS S3, MinIO, Ceph…),
    /// which every server process reaches. Credentials also come from the usual `AWS_*`
    /// variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_ENDPOINT).
    #[arg(long, env = "MINHBACH_PHOTO_STORE", default_value = "database")]
    pub photo_store: String,

    /// The object store's address, for a store that is not AWS (e.g. http://minio.local:9000).
    #[arg(long, env = "MINHBACH_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,

    /// The object store's region (AWS: where the bucket is; others: usually any name).
    #[arg(long, env = "MINHBACH_S3_REGION")]
    pub s3_region: Option<String>,

    /// The object store's access key id.
    #[arg(long, env = "MINHBACH_S3_ACCESS_KEY_ID")]
    pub s3_access_key_id: Option<String>,

    /// The object store's secret access key.
    #[arg(long, env = "MINHBACH_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,

    /// Tracking look-ups per network address per minute (wrong guesses are what it limits).
    #[arg(
        long,
        env = "MINHBACH_TRACK_PER_NETWORK_PER_MINUTE",
        default_value_t = 20
    )]
    pub track_per_network_per_minute: u32,

    /// The address citizens reach the platform at, as printed in the counters' QR codes
    /// (e.g. https://minhbach.ninhbinh.gov.vn). Without it, the address of the admin's request.
    #[arg(long, env = "MINHBACH_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// The HTTP gateway that delivers SMS, Zalo and e-mail messages (POST, JSON). Without it,
    /// messages wait in the outbox.
    #[arg(long, env = "MINHBACH_NOTIFY_URL")]
    pub notify_url: Option<String>,

    /// A header sent to the gateway, as "Name: value" (e.g. "Authorization: Bearer …").
    #[arg(long, env = "MINHBACH_NOTIFY_AUTH")]
    pub notify_auth: Option<String>,

    /// The JSON body sent to the gateway; {{id}}, {{channel}}, {{to}} and {{text}} are replaced
    /// by the message's values (JSON-escaped). {{id}} lets the gateway drop a repeated message.
    #[arg(
        long,
        env = "MINHBACH_NOTIFY_TEMPLATE",
        default_value = r#"{"id":"{{id}}","channel":"{{channel}}","to":"{{to}}","text":"{{text}}"}"#
    )]
    pub notify_template: String,

    /// Milliseconds between two looks at the outbox.
    #[arg(long, env = "MINHBACH_NOTIFY_INTERVAL_MS", default_value_t = 2000)]
    pub notify_interval_ms: u64,

    /// How long the gateway may take to answer, in milliseconds.
    #[arg(long, env = "MINHBACH_NOTIFY_TIMEOUT_MS", default_value_t = 10_000)]
    pub notify_timeout_ms: u64,

    /// The first retry waits this many milliseconds, each next one twice as long (at most an
    /// hour).
    #[arg(long, env = "MINHBACH_NOTIFY_RETRY_MS", default_value_t = 30_000)]
    pub notify_retry_ms: i64,

    /// Messages sent to the gateway at once (1–256), per server process.
    #[arg(long, env = "MINHBACH_NOTIFY_CONCURRENCY", default_value_t = 16)]
    pub notify_concurrency: usize,

    /// Seconds between two runs of the reception digest job (telling the heads of each unit,
    /// the day before its reception session, who asked to meet and which cases are due or
    /// overdue); 0 turns the job off in this process.
    #[arg(
        long,
        env = "MINHBACH_RECEPTION_DIGEST_INTERVAL",
        default_value_t = 300
    )]
    pub reception_digest_interval_secs: u64,

    /// The hour (0–23, Vietnam time) from which the day before a reception session its digest
    /// is sent.
    #[arg(
        long,
        env = "MINHBACH_RECEPTION_DIGEST_HOUR",
        default_value_t = 15,
        value_parser = clap::value_parser!(u32).range(0..=23)
    )]
    pub reception_digest_hour: u32,

    /// Compress the WASM bundles at start instead of on their first request.
    #[arg(long, env = "MINHBACH_WARM_ASSETS", default_value_t = true, action = clap::ArgAction::Set)]
    pub warm_assets: bool,

    /// Worker threads for HTTP (0: one per core).
    #[arg(long, env = "MINHBACH_WORKERS", default_value_t = 0)]
    pub workers: usize,
}

impl Config {
    /// Settings for tests and tools: every default, on the given database.
    pub fn for_database(database_url: &str) -> Config {
        use clap::Parser;
        #[derive(Parser)]
        struct Wrapper {
            #[command(flatten)]
            config: Config,
        }
        let mut c = Wrapper::parse_from(["minhbach"]).config;
        c.database_url = database_url.to_string();
        c
    }

    pub fn rating_rules(&self) -> crate::services::ratings::RatingRules {
        crate::services::ratings::RatingRules {
            device_window_secs: self.rating_window_secs,
            counter_burst_per_minute: self.rating_counter_burst_per_minute,
            network_burst_per_10_minutes: self.rating_network_burst_per_10_minutes,
            detail_window_secs: 3600,
        }
    }

    pub fn retention(&self) -> crate::services::lifecycle::Retention {
        crate::services::lifecycle::Retention {
            feedback_days: self.retention_feedback_days,
            suggestion_days: self.retention_suggestion_days,
            complaint_days: self.retention_complaint_days,
            denunciation_days: self.retention_denunciation_days,
            rating_days: self.retention_rating_days,
        }
    }

    pub fn cookies_secure(&self) -> bool {
        self.secure_cookies.unwrap_or_else(|| {
            let host = self
                .addr
                .rsplit_once(':')
                .map(|(h, _)| h)
                .unwrap_or(&self.addr);
            !matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "::1")
        })
    }
}
