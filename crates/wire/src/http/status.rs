//! The descriptions tshark 4.0 gives HTTP status codes.

/// The text tshark gives a status code (`http.response.code.desc`).
pub fn status_text(code: u16) -> &'static str {
    match code {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        199 => "Informational - Others",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        299 => "Success - Others",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        399 => "Redirection - Others",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Time-out",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Request Entity Too Large",
        414 => "Request-URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Requested Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        499 => "Client Error - Others",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Time-out",
        505 => "HTTP Version not supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        599 => "Server Error - Others",
        _ => unknown_status(code),
    }
}

/// `Unknown (N)` for N below 1000 (a status code is 3 characters), from a
/// table built at compile time so that no call allocates.
fn unknown_status(code: u16) -> &'static str {
    const W: usize = 13; // "Unknown (999)"
    type Table = ([[u8; W]; 1000], [u8; 1000]);
    const fn build() -> Table {
        let mut text = [[0u8; W]; 1000];
        let mut lens = [0u8; 1000];
        let prefix = b"Unknown (";
        let mut n = 0;
        while n < 1000 {
            let mut i = 0;
            while i < prefix.len() {
                text[n][i] = prefix[i];
                i += 1;
            }
            if n >= 100 {
                text[n][i] = b'0' + (n / 100) as u8;
                i += 1;
            }
            if n >= 10 {
                text[n][i] = b'0' + (n / 10 % 10) as u8;
                i += 1;
            }
            text[n][i] = b'0' + (n % 10) as u8;
            text[n][i + 1] = b')';
            lens[n] = (i + 2) as u8;
            n += 1;
        }
        (text, lens)
    }
    static TABLE: Table = build();
    let i = usize::from(code);
    match (TABLE.0.get(i), TABLE.1.get(i)) {
        (Some(row), Some(&len)) => row
            .get(..usize::from(len))
            .and_then(|t| std::str::from_utf8(t).ok())
            .unwrap_or("Unknown"),
        _ => "Unknown",
    }
}
