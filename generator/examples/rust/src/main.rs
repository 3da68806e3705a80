//! A minimal HTTP service, the sample application of `dockseal new --example rust` (standard library only).
//! It answers 200 with a small JSON document on / and on the health path, 404 elsewhere.

use std::env;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

fn handle(stream: TcpStream, health_path: &str) -> std::io::Result<()> {
    let mut request_line = String::new();
    BufReader::new(&stream).read_line(&mut request_line)?;
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let (status, body) = if path == "/" || path == health_path {
        ("200 OK", r#"{"status": "ok", "service": "rust-example"}"#)
    } else {
        ("404 Not Found", r#"{"status": "not found"}"#)
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn main() -> std::io::Result<()> {
    let port = env::var("PORT").unwrap_or_else(|_| "8080".to_string());
    let health_path = env::var("HEALTH_PATH").unwrap_or_else(|_| "/healthz".to_string());
    let listener = TcpListener::bind(format!("0.0.0.0:{port}"))?;
    println!("listening on {port}");
    for stream in listener.incoming().flatten() {
        let health_path = health_path.clone();
        thread::spawn(move || {
            let _ = handle(stream, &health_path);
        });
    }
    Ok(())
}
