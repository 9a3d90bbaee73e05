#!/usr/bin/python3
"""The operator's desk (issue 22) in a real browser.

Real parts only: a publisher database built by the CLI (`reports ingest` of
synthetic numbers, `publish` holding 1900/1800 and fixed-line numbers for
review), `desk add-operator`, `canhgiac desk --listen 127.0.0.1:0`, nginx
serving the feed on loopback, the phone CLI's `sync` and `check`, and
Debian's Chromium driven headless by Selenium (Debian's python3-selenium,
the driver at /usr/bin/chromedriver: nothing is downloaded at run time).

Run by `./build.sh test` (stage `desk`) with the debug CLI:
    CANHGIAC_BIN=target/debug/canhgiac /usr/bin/python3 tests/desk/desk_test.py
With DESK_SCREENSHOTS=DIR it also writes every desk page (vi and en, 1280x900
and 390x844) as DIR/desk-PAGE-LANG-WIDTH.png (`./build.sh screenshots`).

Every number here is synthetic: reporters are 0901 000 0xx, reported
numbers 0912 345 0xx, 1900 1234, 1800 1234, 024 3936 2222.
"""

import csv
import datetime
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import (NoAlertPresentException, NoSuchElementException,
                                        StaleElementReferenceException, WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get("CANHGIAC_BIN") or os.path.join(ROOT, "target", "debug", "canhgiac")
SHOTS = os.environ.get("DESK_SCREENSHOTS")

OPERATOR = "alice"
PASSWORD = "correct horse battery staple"

# The numbers of the fixture, as the desk names them (E.164 digits; a short
# number: its national digits).
LISTED = "84912345001"  # three people: listed
DISPUTED = "84912345002"  # three people: listed, then disputed on the desk
TO_APPROVE = "8419001234"  # premium rate: held for review
TO_REJECT = "8418001234"  # toll free: held for review
HOSTILE = "842439362222"  # a fixed line: held, its reports carry hostile bodies

# The bodies people could send, each setting window.__pwned if it ever ran.
HOSTILE_BODIES = [
    "<script>window.__pwned='script'</script>",
    "<img src=x onerror=\"window.__pwned='img'\">",
    "<a href=\"javascript:window.__pwned='link'\">javascript:window.__pwned='link'</a>",
    # A 10,000-character word (the inbox keeps the first 1,000 of a body).
    "W" * 10_000,
]

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

# Filled by setUpModule.
F = None


def reporter(i):
    return "0901%06d" % i


def run(*args, stdin=None):
    """The CLI; its stdout. A failure stops the test with its stderr."""
    out = subprocess.run([CLI, *args], input=stdin, capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise AssertionError(f"canhgiac {' '.join(args)}: {out.stderr}")
    return out.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, what, proc=None):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{what} did not start")


class Fixture:
    """The publisher's files, nginx, the desk and the browser."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="desk-test-")
        self.procs = []
        self.driver = None
        self.log = None

    def p(self, rel):
        return os.path.join(self.dir, rel)

    def publisher(self, *args, stdin=None):
        return run("--db", self.p("publisher.db"), "--reporter-key", self.p("keys/reporter.key"),
                   *args, stdin=stdin)

    def build(self):
        for d in ["www/feed", "keys", "nginx", "chrome"]:
            os.makedirs(self.p(d), exist_ok=True)
        run("feed", "keygen", "--out", self.p("keys"))
        with open(self.p("policy.toml"), "w") as f:
            f.write("min_reporters = 3\nwindow_days = 90\nexpire_days = 180\n")
        self.publisher("reports", "init")
        self.ingest(self.inbox())
        self.publish()

    def inbox(self):
        """People's texts to 156 over the last days (RFC 4180 CSV rows)."""
        today = datetime.date.today()
        rows = []

        def sms(days_ago, who, body):
            day = today - datetime.timedelta(days=days_ago)
            rows.append([f"{day}T09:{len(rows) % 60:02d}:00+07:00", reporter(who), "156", body])

        for who in (1, 2, 3):
            sms(3 - who, who, "LD 0912 345 001 mao danh cong an doi chuyen tien")
            sms(3 - who, who + 10, "LD 0912345002 goi bao trung thuong")
            sms(3 - who, who + 20, "LD 1900 1234 gia ngan hang")
            sms(3 - who, who + 30, "LD 1800 1234 gia tong dai")
        for i, body in enumerate(HOSTILE_BODIES):
            sms(i % 3, 40 + i, "LD 024 3936 2222 " + body)
        # Lines the inbox refuses, for the Rejected page.
        sms(1, 50, "xin chao")
        sms(1, 51, "LD 12")
        return rows

    def ingest(self, rows):
        path = self.p("inbox-%d.csv" % len(os.listdir(self.dir)))
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["received_at", "sender", "to", "body"])
            w.writerows(rows)
        return json.loads(self.publisher("reports", "ingest", path, "--json"))

    def publish(self):
        out = self.publisher("publish", "--key", self.p("keys/feed.key"), "--out",
                             self.p("www/feed"), "--policy", self.p("policy.toml"), "--json")
        return json.loads(out)

    def start_nginx(self):
        port = free_port()
        w = self.p("nginx")
        with open(self.p("nginx/nginx.conf"), "w") as f:
            f.write(f"""daemon off; master_process off; pid {w}/nginx.pid; error_log {w}/error.log;
events {{ worker_connections 64; }}
http {{ access_log off; client_body_temp_path {w}; proxy_temp_path {w};
  fastcgi_temp_path {w}; uwsgi_temp_path {w}; scgi_temp_path {w};
  server {{ listen 127.0.0.1:{port}; root {self.p('www')};
    location ~ /manifest\\.json$ {{ add_header Cache-Control "no-cache" always; }}
    location ~ /\\. {{ deny all; }} }} }}
""")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        proc = subprocess.Popen([nginx, "-c", self.p("nginx/nginx.conf"), "-p", w],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(proc)
        wait_port(port, "nginx", proc)
        self.feed_url = f"http://127.0.0.1:{port}/feed/"

    def start_desk(self):
        self.publisher("desk", "add-operator", OPERATOR, stdin=PASSWORD + "\n")
        self.log = open(self.p("desk.log"), "w")
        proc = subprocess.Popen(
            [CLI, "--db", self.p("publisher.db"), "--reporter-key", self.p("keys/reporter.key"),
             "desk", "--listen", "127.0.0.1:0", "--feed-dir", self.p("www/feed"),
             "--feed-url", "https://lists.example/feed/", "--feed-name", "Canh Giac test",
             "--feed-key-pub", self.p("keys/feed.pub")],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.procs.append(proc)
        line = proc.stdout.readline().strip()
        prefix = "desk listening on "
        if not line.startswith(prefix):
            raise AssertionError(f"the desk said {line!r}, not {prefix!r}: " + self.desk_log())
        self.base = line[len(prefix):].rstrip("/")

    def desk_log(self):
        """The end of what the desk wrote on stderr, for a failure's message."""
        with open(self.p("desk.log")) as f:
            return f.read()[-2000:]

    def start_browser(self):
        o = webdriver.ChromeOptions()
        o.binary_location = "/usr/bin/chromium"
        # Without the background-networking flags Chromium stalls on a
        # closed network; as root it needs --no-sandbox.
        for a in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", f"--user-data-dir={self.p('chrome')}"]:
            o.add_argument(a)
        o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(
            service=Service(executable_path="/usr/bin/chromedriver"), options=o)
        self.driver.set_page_load_timeout(30)
        self.viewport(1280, 900, mobile=False)

    def viewport(self, width, height, mobile):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def stop(self):
        if self.driver is not None:
            self.driver.quit()
        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout:
                proc.stdout.close()
        if self.log:
            self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def setUpModule():
    global F
    F = Fixture()
    try:
        F.build()
        F.start_nginx()
        F.start_desk()
        F.start_browser()
    except BaseException:
        F.stop()
        raise


def tearDownModule():
    if F is not None:
        F.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(path, cookie=None, data=None, headers=None):
    """One request to the desk, redirects not followed: (status, headers, body)."""
    req = urllib.request.Request(F.base + path, data=data, headers=headers or {})
    if cookie:
        req.add_header("Cookie", cookie)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=30) as r:
            return r.status, r.headers, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8", "replace")


class Desk(unittest.TestCase):
    """Helpers on the shared browser."""

    @property
    def d(self):
        return F.driver

    def go(self, path):
        self.d.get(F.base + path)

    def path(self):
        return urllib.parse.urlparse(self.d.current_url).path

    def has(self, css):
        return len(self.d.find_elements(By.CSS_SELECTOR, css)) > 0

    def navigates(self, act):
        """Does `act` (a click, an Enter) and waits for the next page: a
        click returns before the POST's answer has loaded."""
        old = self.d.find_element(By.TAG_NAME, "html")
        act()

        def left(_):
            # The old page is gone. Caught mid-navigation, chromedriver may
            # say so as an "unknown error" (the node no longer belongs to
            # the document) instead of a stale element.
            try:
                old.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException as e:
                if "does not belong to the document" in str(e):
                    return True
                raise
        WebDriverWait(self.d, 15).until(left)
        WebDriverWait(self.d, 15).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def sign_in(self, name=OPERATOR, password=PASSWORD):
        self.go("/login")
        self.d.find_element(By.ID, "login-name").clear()
        self.d.find_element(By.ID, "login-name").send_keys(name)
        self.d.find_element(By.ID, "login-password").send_keys(password)
        self.navigates(self.d.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click)

    def signed_in(self):
        """A session, signing in only when the browser has none."""
        self.go("/")
        if self.path() == "/login":
            self.sign_in()
        self.assertTrue(self.has("main#overview"), self.d.page_source[:2000])

    def page_needs(self, css):
        """Skips when the desk does not serve this page yet (built in parallel)."""
        if not self.has(css):
            status, _, _ = fetch(self.path(), self.cookie())
            if status == 404:
                self.skipTest(f"the desk does not serve {self.path()} yet (404)")

    def cookie(self):
        c = self.d.get_cookie("cg_session")
        return f"cg_session={c['value']}" if c else None

    def row(self, css):
        try:
            return self.d.find_element(By.CSS_SELECTOR, css)
        except NoSuchElementException:
            self.fail(f"no {css} on {self.path()}: {self.d.page_source[:3000]}")

    def submit(self, form, reason=None):
        if reason is not None:
            form.find_element(By.NAME, "reason").send_keys(reason)
        self.navigates(form.find_element(By.CSS_SELECTOR, "button[type=submit]").click)

    def no_script_ran(self):
        self.assertIsNone(self.d.execute_script("return window.__pwned"), self.path())
        with self.assertRaises(NoAlertPresentException):
            self.d.switch_to.alert.text

    def audit(self, number):
        return F.publisher("reports", "audit", "--number", number)

    def held_numbers(self):
        out = F.publisher("reports", "held", "--json")
        return [json.loads(line)["number"] for line in out.splitlines() if line.strip()]


class T1SignIn(Desk):
    def test_a_page_without_a_session_answers_303_to_login(self):
        for path in ["/", "/held", "/disputes", "/rejected", f"/number/{LISTED}"]:
            status, headers, _ = fetch(path)
            self.assertEqual(status, 303, path)
            self.assertEqual(urllib.parse.urlparse(headers["Location"]).path, "/login", path)

    def test_the_sign_in_page_offers_no_navigation_or_search(self):
        self.d.delete_all_cookies()
        self.go("/login")
        self.assertTrue(self.has("form#login"))
        self.assertFalse(self.has("nav"), self.d.page_source[:2000])
        self.assertFalse(self.has("form#search"))
        self.assertFalse(self.has("form#logout"))
        self.assertTrue(self.has("p.lang a[hreflang=en]"))

    def test_tab_reaches_the_login_fields_then_submit(self):
        self.d.delete_all_cookies()
        self.go("/login")
        self.d.find_element(By.TAG_NAME, "body").click()
        reached = []
        for _ in range(40):
            self.d.switch_to.active_element.send_keys(Keys.TAB)
            el = self.d.switch_to.active_element
            key = el.get_attribute("id") or (el.tag_name + ":" + (el.get_attribute("type") or ""))
            if el.tag_name == "button" and el.find_elements(By.XPATH, "ancestor::form[@id='login']"):
                key = "login-submit"
            if key in ("login-name", "login-password", "login-submit") and key not in reached:
                reached.append(key)
            if key == "login-submit":
                break
        self.assertEqual(reached, ["login-name", "login-password", "login-submit"])

    def test_a_wrong_password_is_refused_with_the_form_again(self):
        self.d.delete_all_cookies()
        for name, password in [(OPERATOR, "wrong password, long enough"), ("mallory", PASSWORD)]:
            self.sign_in(name, password)
            self.assertEqual(self.path(), "/login")
            error = self.row("#login-error")
            self.assertEqual(error.get_attribute("role"), "alert")
            self.assertTrue(error.text.strip())
            self.assertTrue(self.has("form#login"))
            self.assertIsNone(self.d.get_cookie("cg_session"))
        # The answer itself is a 401 (the browser does not show the status):
        # the same form posted with its own token and cookie.
        status, headers, body = fetch("/login")
        self.assertEqual(status, 200)
        token = re.search(r'name="csrf" value="([^"]+)"', body)
        self.assertIsNotNone(token, body[:2000])
        cookies = "; ".join(c.split(";")[0] for c in headers.get_all("Set-Cookie") or [])
        form = urllib.parse.urlencode({"name": OPERATOR, "password": "wrong password, long enough",
                                       "csrf": token.group(1)}).encode()
        status, _, body = fetch("/login", cookies, data=form,
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 401, body[:1000])
        self.assertIn('id="login-error"', body)

    def test_signing_in_sets_a_strict_httponly_session(self):
        self.d.delete_all_cookies()
        self.sign_in()
        self.assertEqual(self.path(), "/")
        self.assertTrue(self.has("main#overview"))
        c = self.d.get_cookie("cg_session")
        self.assertIsNotNone(c)
        self.assertTrue(c["httpOnly"])
        self.assertEqual(c.get("sameSite"), "Strict")
        self.assertEqual(c.get("path"), "/")
        # Over plain http the cookie cannot be Secure (the browser would drop it).
        self.assertFalse(c.get("secure"))


class T2Pages(Desk):
    def setUp(self):
        self.signed_in()

    def test_every_page_has_the_header_the_contract_names(self):
        for path, main in [("/", "overview"), ("/held", "held"), ("/disputes", "disputes"),
                           ("/rejected", "rejected"), (f"/number/{LISTED}", "number"),
                           ("/follow", "follow")]:
            self.go(path)
            if not self.has(f"main#{main}"):
                self.page_needs(f"main#{main}")
                self.fail(f"no main#{main} on {path}")
            links = {urllib.parse.urlparse(a.get_attribute("href")).path
                     for a in self.d.find_elements(By.CSS_SELECTOR, "nav a")}
            for target in ["/", "/held", "/disputes", "/rejected", "/follow"]:
                self.assertIn(target, links, f"nav of {path}")
            form = self.row("form#search")
            self.assertEqual(form.get_attribute("method"), "get")
            self.assertTrue(self.has("form#search input#search-q[name=q]"))
            self.assertTrue(self.has("form#logout[method=post]"))
            self.assertIn(self.d.find_element(By.TAG_NAME, "html").get_attribute("lang"), ["vi", "en"])
            for f in self.d.find_elements(By.CSS_SELECTOR, "form[method=post]"):
                self.assertTrue(f.find_elements(By.CSS_SELECTOR, "input[type=hidden][name=csrf]"),
                                f"a POST form without csrf on {path}: {f.get_attribute('outerHTML')[:300]}")

    def test_the_language_switch_sets_the_page_language(self):
        for lang in ["en", "vi"]:
            self.go(f"/?lang={lang}")
            self.assertEqual(self.d.find_element(By.TAG_NAME, "html").get_attribute("lang"), lang)
            self.go("/held")
            self.assertEqual(self.d.find_element(By.TAG_NAME, "html").get_attribute("lang"), lang,
                             "the choice is kept (cookie)")

    def test_the_overview_charts_are_labelled_images_with_their_figures(self):
        self.go("/")
        self.assertTrue(self.has("table#publishes"))
        self.assertGreaterEqual(len(self.d.find_elements(By.CSS_SELECTOR, "table#publishes tbody tr")), 1)
        for chart in ["chart-reports", "chart-listed", "chart-labels"]:
            svg = self.row(f"svg#{chart}")
            self.assertEqual(svg.get_attribute("role"), "img", chart)
            self.assertTrue(svg.get_attribute("aria-labelledby"), chart)
            self.assertTrue(svg.find_elements(By.TAG_NAME, "title"), chart)

    def test_the_charts_figures_take_no_room_and_a_phones_cells_name_their_column(self):
        self.go("/?lang=en")
        # The screen-reader tables are read, not shown, and take no room
        # (as bare tables they added ~2,500 px of blank page).
        for box in self.d.find_elements(By.CSS_SELECTOR, "div.sr-only"):
            self.assertLessEqual(box.size["height"], 1, box.get_attribute("outerHTML")[:200])
        self.assertTrue(self.d.find_elements(By.CSS_SELECTOR, "div.sr-only table caption"))
        try:
            F.viewport(390, 844, True)
            self.go("/?lang=en")
            cell = self.row("table#publishes tbody td[data-label]")
            before = self.d.execute_script(
                "return getComputedStyle(arguments[0], '::before').content", cell)
            self.assertEqual(before, '"Run: "', before)
            # Chart text at least 10 px tall on the phone.
            text = self.row("svg#chart-reports text")
            self.assertGreaterEqual(text.size["height"], 10, text.size)
        finally:
            F.viewport(1280, 900, False)

    def test_search_any_written_form_lands_on_the_same_number(self):
        self.go("/")
        for q in ["0912 345 001", "+84 912 345 001", "84912345001", "０９１２３４５００１"]:
            box = self.row("#search-q")
            box.clear()
            box.send_keys(q)
            self.navigates(lambda: box.send_keys(Keys.ENTER))
            self.assertEqual(self.path(), f"/number/{LISTED}", q)
            self.assertTrue(self.has("main#number"), q)
        self.assertTrue(self.row("#decision").text.strip())
        self.assertTrue(self.has("ol#timeline li"))
        self.assertTrue(self.has("svg#chart-number"))
        self.go("/number?q=" + urllib.parse.quote("not a number"))
        self.assertEqual(self.row("#search-error").get_attribute("role"), "alert")

    def test_the_rejected_page_counts_the_ingests_refusals(self):
        self.go("/rejected")
        self.page_needs("main#rejected")
        rows = self.d.find_elements(By.CSS_SELECTOR, "table#rejected-table tbody tr")
        self.assertGreaterEqual(len(rows), 1, self.d.page_source[:2000])

    def test_no_page_shows_a_reporters_number(self):
        for path in ["/", "/held", "/disputes", "/rejected", f"/number/{LISTED}", f"/number/{HOSTILE}"]:
            self.go(path)
            html = self.d.page_source
            for i in range(1, 60):
                for form in (reporter(i), "84" + reporter(i)[1:], "+84" + reporter(i)[1:]):
                    self.assertNotIn(form, html, f"{path} shows reporter {form}")

    def test_every_response_has_the_security_headers(self):
        for path in ["/login", "/", "/held", f"/number/{LISTED}"]:
            status, h, _ = fetch(path, self.cookie())
            self.assertIn(status, (200, 303), path)
            self.assertEqual(h["Content-Security-Policy"], CSP, path)
            self.assertEqual(h["X-Frame-Options"], "DENY", path)
            self.assertEqual(h["X-Content-Type-Options"], "nosniff", path)
            self.assertEqual(h["Referrer-Policy"], "no-referrer", path)
            self.assertTrue((h["Server-Timing"] or "").startswith("app;dur="), path)
            if status == 200:
                self.assertIn("no-store", h["Cache-Control"] or "", path)


class T3Hostile(Desk):
    def setUp(self):
        self.signed_in()

    def test_hostile_bodies_show_as_text_and_run_nothing(self):
        for path in [f"/number/{HOSTILE}", "/held"]:
            self.go(path)
            self.no_script_ran()
            # textContent: on /held the contents sit in a closed <details>.
            text = self.d.execute_script("return document.querySelector('main').textContent")
            # The inbox keeps a body's text, unwrapping one pair of brackets
            # around it (`LD 0912… <…>`): the img body arrives without its < >.
            for shown in ["<script>window.__pwned='script'</script>",
                          "onerror=\"window.__pwned='img'\"",
                          "<a href=\"javascript:window.__pwned='link'\">", "W" * 200]:
                self.assertIn(shown, text, f"{path} does not show {shown[:40]!r} as text")
            self.assertFalse(self.d.find_elements(By.CSS_SELECTOR, "main script, main img[src=x], main a[href^=javascript]"),
                             f"{path}: a body became markup")

    def test_the_long_word_breaks_no_layout(self):
        for width, height, mobile in [(1280, 900, False), (390, 844, True)]:
            F.viewport(width, height, mobile)
            try:
                for path in [f"/number/{HOSTILE}", "/held"]:
                    self.go(path)
                    scroll = self.d.execute_script("return document.documentElement.scrollWidth")
                    self.assertLessEqual(scroll, width + 1, f"{path} at {width} px is {scroll} px wide")
            finally:
                F.viewport(1280, 900, False)

    def test_no_page_overflows_a_phone_a_desktop_or_200_percent_zoom(self):
        pages = ["/", "/held", "/disputes", "/rejected", f"/number/{LISTED}", "/follow", "/login"]
        # 640 x 450 CSS pixels is what a 1280 x 900 window shows at 200% zoom.
        try:
            for width, height, mobile in [(390, 844, True), (1280, 900, False), (640, 450, False)]:
                F.viewport(width, height, mobile)
                for path in pages:
                    self.go(path)
                    scroll = self.d.execute_script("return document.documentElement.scrollWidth")
                    self.assertLessEqual(scroll, width + 1, f"{path} at {width} px is {scroll} px wide")
        finally:
            F.viewport(1280, 900, False)

    def test_the_csp_blocks_an_injected_inline_script(self):
        self.go(f"/number/{HOSTILE}")
        # Selenium's own script runs through DevTools, outside the page's
        # CSP; the inline script it injects is the page's, and must not run.
        self.d.execute_script("""
            window.__violations = [];
            document.addEventListener('securitypolicyviolation',
                e => window.__violations.push(e.violatedDirective));
            const s = document.createElement('script');
            s.textContent = 'window.__injected = 1';
            document.body.appendChild(s);
            const d = document.createElement('div');
            d.setAttribute('style', 'display:none');
            d.id = 'styled';
            document.body.appendChild(d);
        """)
        time.sleep(0.2)  # the violation event is queued, not synchronous
        self.assertIsNone(self.d.execute_script("return window.__injected"))
        violations = self.d.execute_script("return window.__violations")
        self.assertTrue(any(v.startswith("script-src") for v in violations), violations)
        logs = [e["message"] for e in self.d.get_log("browser")]
        self.assertTrue(any("Content Security Policy" in m for m in logs), logs)


class T4Decisions(Desk):
    def setUp(self):
        self.signed_in()

    def held_row(self, digits):
        self.go("/held")
        self.page_needs("main#held")
        return self.row(f"tr#held-{digits}")

    def test_1_a_post_without_its_csrf_token_is_refused_and_changes_nothing(self):
        before = self.audit("19001234")
        row = self.held_row(TO_APPROVE)
        form = row.find_element(By.CSS_SELECTOR, "form.approve")
        self.d.execute_script("arguments[0].querySelector('input[name=csrf]').remove()", form)
        self.submit(form, "no token: must be refused")
        self.assertTrue(self.has("#error"), self.d.page_source[:2000])
        self.assertEqual(self.audit("19001234"), before)
        self.assertIn("+" + TO_APPROVE, self.held_numbers())
        # The status itself, the same form posted with a wrong token.
        status, _, body = fetch(f"/held/{TO_APPROVE}/approve", self.cookie(),
                                data=b"reason=x&csrf=wrong",
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 403, body[:500])
        self.assertIn('id="error"', body)
        self.assertEqual(self.audit("19001234"), before)

    def phone_check(self, number):
        phone = F.p("phone.db")
        run("--db", phone, "sync", F.feed_url, "--key", F.p("keys/feed.pub"), "--allow-http", "--json")
        return json.loads(run("--db", phone, "check", number, "--json"))

    def test_2_an_approved_number_is_listed_by_the_next_publish_and_warned_on_the_phone(self):
        held = self.phone_check("1900 1234")
        self.assertIsNone(held["report"], f"held, not listed yet: {held}")
        row = self.held_row(TO_APPROVE)
        self.submit(row.find_element(By.CSS_SELECTOR, "form.approve"), "ngan hang xac nhan: gia mao")
        self.assertEqual(self.path(), "/held")
        self.assertEqual(self.row("#flash").get_attribute("role"), "status")
        self.assertFalse(self.has(f"tr#held-{TO_APPROVE}"))
        self.assertIn(OPERATOR, self.audit("19001234"))
        report = F.publish()
        self.assertIn("+" + TO_APPROVE, report["added_numbers"], report)
        self.assertNotIn("+" + TO_APPROVE, self.held_numbers(), report)
        verdict = self.phone_check("1900 1234")
        # Listed on its evidence: three people within days may travel as
        # suspicious (a burst not yet confirmed); either way the phone warns.
        self.assertIsNotNone(verdict["report"], verdict)
        self.assertIn(verdict["level"], ("scam", "suspicious"), verdict)

    def test_3_a_rejected_number_leaves_the_queue_with_the_operators_name(self):
        row = self.held_row(TO_REJECT)
        self.submit(row.find_element(By.CSS_SELECTOR, "form.reject"), "so tong dai that")
        self.assertEqual(self.path(), "/held")
        self.assertTrue(self.has("#flash"))
        self.assertFalse(self.has(f"tr#held-{TO_REJECT}"))
        audit = self.audit("18001234")
        self.assertIn(OPERATOR, audit)
        F.publish()
        self.assertNotIn("+" + TO_REJECT, self.held_numbers())

    def test_4_a_dispute_is_added_then_withdrawn(self):
        self.go("/disputes")
        self.page_needs("main#disputes")
        before = {r.get_attribute("id") for r in self.d.find_elements(By.CSS_SELECTOR, "tr[id^=dispute-]")}
        form = self.row("form#dispute-add")
        form.find_element(By.NAME, "number").send_keys("+84 912 345 002")
        form.find_element(By.NAME, "reason").send_keys("chu thue bao khieu nai")
        self.navigates(form.find_element(By.CSS_SELECTOR, "button[type=submit]").click)
        self.go("/disputes")
        opened = [r for r in self.d.find_elements(By.CSS_SELECTOR, "#disputes-open tr[id^=dispute-]")
                  if r.get_attribute("id") not in before]
        self.assertEqual(len(opened), 1, self.d.page_source[:3000])
        rid = opened[0].get_attribute("id")
        form = opened[0].find_element(By.CSS_SELECTOR, "form.withdraw")
        reason = form.find_elements(By.NAME, "reason")
        if reason:
            reason[0].send_keys("khieu nai nham")
        self.navigates(form.find_element(By.CSS_SELECTOR, "button[type=submit]").click)
        self.go("/disputes")
        self.assertTrue(self.has(f"#disputes-withdrawn tr#{rid}"), self.d.page_source[:3000])
        self.assertFalse(self.has(f"#disputes-open tr#{rid}"))
        disputes = F.publisher("reports", "disputes", "--json")
        self.assertIn("withdrawn", disputes)
        self.assertIn(OPERATOR, disputes)


class T5Follow(Desk):
    def test_the_follow_page_shows_the_link_and_its_qr_code(self):
        self.signed_in()
        self.go("/follow")
        self.assertTrue(self.has("main#follow"), self.d.page_source[:2000])
        link = self.row("code#follow-link").text
        self.assertTrue(link.startswith("canhgiac://follow?v=1&"), link)
        query = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)
        self.assertEqual(query["name"], ["Canh Giac test"], link)
        self.assertEqual(query["url"], ["https://lists.example/feed/"], link)
        with open(F.p("keys/feed.pub")) as f:
            self.assertEqual(query["key"], [f.read().strip()], link)
        qr = self.row("svg#follow-qr")
        self.assertTrue(qr.is_displayed())
        self.assertEqual(qr.get_attribute("role"), "img")
        # Big enough to scan off the screen: at least 160 CSS px a side.
        self.assertGreaterEqual(qr.size["width"], 160, qr.size)
        self.assertEqual(qr.size["width"], qr.size["height"], qr.size)
        self.assertTrue(qr.find_elements(By.CSS_SELECTOR, "path, rect"), "an empty QR code")
        current = self.d.find_elements(By.CSS_SELECTOR, "nav a[aria-current=page]")
        self.assertEqual([urllib.parse.urlparse(a.get_attribute("href")).path for a in current],
                         ["/follow"])


class T6Pager(Desk):
    def test_the_held_queue_comes_50_a_page_with_next_and_prev(self):
        # 60 more fixed lines held (each by three people of its own: the
        # per-sender caps stay out of it), then published.
        today = datetime.date.today()
        rows = [[f"{today - datetime.timedelta(days=k)}T10:{n % 60:02d}:00+07:00",
                 reporter(1000 + 3 * n + k), "156", f"LD 028 3800 {n:04d} goi lua dao"]
                for n in range(60) for k in range(3)]
        F.ingest(rows)
        F.publish()
        self.signed_in()
        self.go("/held")
        self.page_needs("main#held")
        first = self.d.find_elements(By.CSS_SELECTOR, "table#held-table tr[id^=held-]")
        self.assertEqual(len(first), 50)
        self.navigates(self.row("a[rel=next]").click)
        second = self.d.find_elements(By.CSS_SELECTOR, "table#held-table tr[id^=held-]")
        self.assertGreaterEqual(len(second), 10)
        ids = {r.get_attribute("id") for r in second}
        self.assertFalse(self.has("a[rel=next]"), "the last page has no next")
        self.navigates(self.row("a[rel=prev]").click)
        again = {r.get_attribute("id") for r in
                 self.d.find_elements(By.CSS_SELECTOR, "table#held-table tr[id^=held-]")}
        self.assertEqual(len(again), 50)
        self.assertFalse(again & ids, "a number on two pages")


class T9Screenshots(Desk):
    """Each page, vi and en, desktop and phone width (only with DESK_SCREENSHOTS)."""

    PAGES = [("login", "/login"), ("overview", "/"), ("held", "/held"), ("disputes", "/disputes"),
             ("number", f"/number/{HOSTILE}"), ("rejected", "/rejected"), ("follow", "/follow")]
    SIZES = [("desktop", 1280, 900, False), ("phone", 390, 844, True)]

    @unittest.skipUnless(SHOTS, "DESK_SCREENSHOTS is not set")
    def test_screenshots(self):
        os.makedirs(SHOTS, exist_ok=True)
        self.signed_in()
        written = 0
        try:
            for lang in ["vi", "en"]:
                self.go(f"/?lang={lang}")
                for size, width, height, mobile in self.SIZES:
                    for name, path in self.PAGES:
                        if name == "login":
                            saved = self.d.get_cookies()
                            self.d.delete_cookie("cg_session")
                        F.viewport(width, height, mobile)
                        self.go(path)
                        if name != "login" and self.path() == "/login":
                            self.fail("signed out while taking screenshots")
                        if fetch(path, self.cookie())[0] == 404:
                            continue  # not served yet (the follow page comes last)
                        full = self.d.execute_script("return document.documentElement.scrollHeight")
                        F.viewport(width, min(max(full, height), 6000), mobile)
                        self.d.save_screenshot(os.path.join(SHOTS, f"desk-{name}-{lang}-{size}.png"))
                        written += 1
                        if name == "login":
                            for c in saved:
                                if c["name"] == "cg_session":
                                    self.d.add_cookie(c)
        finally:
            F.viewport(1280, 900, False)
        self.assertGreater(written, 0)


class TZShutdown(unittest.TestCase):
    """Last: SIGTERM ends the desk cleanly."""

    def test_sigterm_ends_the_desk_with_exit_0(self):
        desk = F.procs[-1]
        desk.send_signal(signal.SIGTERM)
        self.assertEqual(desk.wait(timeout=10), 0, F.desk_log())


if __name__ == "__main__":
    if not os.path.exists(CLI):
        sys.exit(f"no CLI at {CLI}: build it (cargo build -p canhgiac-cli) or set CANHGIAC_BIN")
    unittest.main(verbosity=2)
