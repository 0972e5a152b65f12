#!/usr/bin/env python3
"""Browser tests of the web console: headless Chromium (Debian's chromium and chromium-driver)
driven by Selenium, against two real daemons on 127.0.0.1 that sync over mutual TLS.

1. Signing in to each site's console; the overview.
2. Two sites out of touch each book the last authorized visit; after `sync now` the alert is on
   both consoles; acknowledging it in one console hides it in the other after sync.
3. Two sites edit one appointment apart; resolving the conflict in one console (a new value)
   changes the field at both sites.
4. A patient's page.

Takes screenshots (the README's, with SCREENSHOTS=docs/screenshots) and prints how long it took. Exit status 0
only when every check held. Usage: scripts/browser-test.py   (CLINICSYNC_BIN picks the binary)
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Screenshots go to .build/screenshots (a test run leaves the checkout as it was); `make screenshots`
# sets SCREENSHOTS=docs/screenshots to renew the README's.
SHOTS = os.path.abspath(os.environ.get("SCREENSHOTS", os.path.join(ROOT, ".build", "screenshots")))
PASSWORD = "correct horse battery staple"
ZERO = "sha256:" + "0" * 64
failures = []


def shows(driver, text, seconds=15):
    """Whether the page shows `text` within `seconds` (a click returns before the next page loads)."""
    try:
        WebDriverWait(driver, seconds).until(lambda current: text in current.page_source)
        return True
    except Exception:
        return False


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Site:
    def __init__(self, work, binary, name):
        self.work, self.binary, self.name = work, binary, name
        self.port, self.metrics, self.console = free_port(), free_port(), free_port()
        self.path = os.path.join(work, f"{name}.yaml")
        self.daemon = None

    def configure(self, peer=None, fingerprint=ZERO):
        peers = f"peers:\n  - name: {peer.name}\n    url: https://127.0.0.1:{peer.port}\n    fingerprint: {fingerprint}\n" if peer else ""
        with open(self.path, "w") as file:
            file.write(
                f"site:\n  id: {self.name}\n  database: {self.name}.sqlite\nserver:\n  listen: 127.0.0.1:{self.port}\n"
                f"metrics:\n  listen: 127.0.0.1:{self.metrics}\nconsole:\n  listen: 127.0.0.1:{self.console}\n"
                f"control:\n  socket: {self.name}.sock\nsync:\n  interval_seconds: 3600\n  live: false\n{peers}")

    def cli(self, *arguments, stdin=None):
        done = subprocess.run([self.binary, *arguments, "--config", self.path], input=stdin, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{self.name}: clinicsync {' '.join(arguments)} failed: {done.stderr}")
        return done.stdout.strip()

    def start(self):
        log = open(os.path.join(self.work, f"{self.name}.log"), "w")
        self.daemon = subprocess.Popen([self.binary, "serve", "--config", self.path], stderr=log, cwd=self.work)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.console), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name}: the console did not come up")

    def stop(self):
        if self.daemon:
            self.daemon.terminate()
            self.daemon.wait(timeout=30)

    def url(self, path):
        return f"http://127.0.0.1:{self.console}{path}"


def browser():
    options = Options()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,900"):
        options.add_argument(argument)
    chromium = "/usr/bin/chromium"
    if os.path.exists(chromium):
        options.binary_location = chromium
    # Debian's driver, never one Selenium Manager would download.
    driver_path = "/usr/bin/chromedriver"
    if not os.path.exists(driver_path):
        raise RuntimeError("no /usr/bin/chromedriver: install Debian's chromium and chromium-driver")
    return webdriver.Chrome(service=Service(driver_path), options=options)


def sign_in(driver, site, name):
    driver.get(site.url("/"))
    check(driver.current_url.endswith("/login"), f"{site.name}: without a session the console sends the browser to /login")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
    shows(driver, "<h1>Overview</h1>")
    heading = driver.find_element(By.TAG_NAME, "h1").text
    check(heading == "Overview", f"{site.name}: signed in as {name}, the overview ({heading}: {driver.current_url})")


def alert_ids(driver, site):
    driver.get(site.url("/alerts"))
    heading = driver.find_element(By.TAG_NAME, "h1").text
    if heading != "Alerts":
        raise RuntimeError(f"{site.name}: expected the alerts page, got {heading!r} at {driver.current_url}")
    return [element.text for element in driver.find_elements(By.CSS_SELECTOR, "article.alert strong")]


def main():
    binary = os.path.abspath(os.environ.get("CLINICSYNC_BIN", ""))
    if not os.environ.get("CLINICSYNC_BIN"):
        subprocess.run(["swift", "build", "--product", "clinicsync"], cwd=ROOT, check=True)
        shown = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True)
        binary = os.path.join(shown.stdout.strip(), "clinicsync")
    os.makedirs(SHOTS, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        downtown, uptown = Site(work, binary, "downtown"), Site(work, binary, "uptown")
        fingerprints = {}
        for site in (downtown, uptown):
            site.configure()
            subprocess.run([binary, "init", "--config", site.path], check=True, capture_output=True, cwd=work)
            fingerprints[site.name] = json.loads(site.cli("identity", "show", "--json"))["fingerprint"]
            site.cli("user", "add", "kim", "--role", "admin", "--password-stdin", stdin=PASSWORD)
        downtown.configure(uptown, fingerprints["uptown"])
        uptown.configure(downtown, fingerprints["downtown"])
        drivers = []
        try:
            for site in (downtown, uptown):
                site.start()
            first, second = browser(), browser()
            drivers = [first, second]
            sign_in(first, downtown, "kim")
            sign_in(second, uptown, "kim")

            # The last authorized visit, booked at both sites while they are out of touch.
            rx = downtown.cli(
                "prescription", "add", "--patient-id", "p-9", "--patient-name", "Ann Lee", "--prescriber", "Dr Park", "--npi",
                "1234567893", "--diagnosis", "Low back pain", "--icd10", "M54.50", "--visits", "2", "--issued-on", "2026-11-01",
                "--expires-on", "2030-12-31", "--payer", "Aetna", "--member-id", "W55", "--frequency", "2x/week", "--region", "lower back")
            downtown.cli("coverage", "add", "--patient-id", "p-9", "--payer", "Aetna", "--member-id", "W55", "--covered", "yes",
                         "--visit-limit", "20", "--checked-by", "kim")
            book = ["appointment", "add", "--patient-id", "p-9", "--patient-name", "Ann Lee", "--minutes", "60", "--prescription", rx,
                    "--body-region", "lower back"]
            downtown.cli(*book, "--therapist", "Sam", "--starts-at", "2029-03-05T15:00:00Z")
            downtown.cli("sync", "now")
            downtown.cli(*book, "--therapist", "Sam", "--starts-at", "2029-03-14T15:00:00Z")
            uptown.cli(*book, "--therapist", "Kim", "--site", "uptown", "--starts-at", "2029-03-13T16:00:00Z")
            check(alert_ids(second, uptown) == [], "uptown: apart, no alert yet")
            downtown.cli("sync", "now")
            at_downtown, at_uptown = alert_ids(first, downtown), alert_ids(second, uptown)
            over = [alert for alert in at_downtown if alert.startswith("over_authorized-")]
            check(len(over) == 1 and over == [a for a in at_uptown if a.startswith("over_authorized-")],
                  f"after sync both consoles list the same over_authorized alert ({over})")
            first.get(downtown.url("/"))
            first.save_screenshot(os.path.join(SHOTS, "overview.png"))
            first.get(downtown.url("/alerts"))
            first.save_screenshot(os.path.join(SHOTS, "alerts.png"))

            # Acknowledged in downtown's console: gone from uptown's after sync.
            article = next(a for a in first.find_elements(By.CSS_SELECTOR, "article.alert") if over[0] in a.text)
            article.find_element(By.NAME, "note").send_keys("payer extended the authorization, ref CALL-0201")
            article.find_element(By.CSS_SELECTOR, "button").click()
            check(shows(first, f"Acknowledged {over[0]}."), "downtown: the console confirms the acknowledgement")
            downtown.cli("sync", "now")
            check(over[0] not in alert_ids(second, uptown), "uptown: the acknowledged alert is gone after sync")

            # A conflict, resolved with a new value in uptown's console.
            appointment = downtown.cli(*book, "--therapist", "Sam", "--starts-at", "2029-04-02T15:00:00Z")
            downtown.cli("sync", "now")
            downtown.cli("appointment", "update", appointment, "--therapist", "Alex")
            uptown.cli("appointment", "update", appointment, "--therapist", "Jo")
            downtown.cli("sync", "now")
            second.get(uptown.url("/conflicts"))
            entry = next(a for a in second.find_elements(By.CSS_SELECTOR, "article.conflict") if "therapist" in a.text)
            entry.find_element(By.CSS_SELECTOR, "input[value='value']").click()
            entry.find_element(By.NAME, "value").send_keys("Lee")
            entry.find_element(By.NAME, "note").send_keys("confirmed with the front desk")
            entry.find_element(By.CSS_SELECTOR, "button").click()
            check(shows(second, "Resolved conflict-"), "uptown: the console confirms the resolution")
            uptown.cli("sync", "now")
            for site in (downtown, uptown):
                shown = json.loads(site.cli("appointment", "show", appointment, "--json"))
                check(shown["therapist"] == "Lee", f"{site.name}: the resolved value is the field's value")

            first.get(downtown.url("/patients/p-9"))
            check("Patient p-9" in first.page_source and "at most 2 per week" in first.page_source, "downtown: the patient's page")
            first.save_screenshot(os.path.join(SHOTS, "patient.png"))
            audit = json.loads(downtown.cli("audit", "list", "--json"))
            check(any(entry["page"] == "/patients/p-9" and entry["account"] == "kim" for entry in audit), "downtown: the view is audited")
        finally:
            for driver in drivers:
                driver.quit()
            for site in (downtown, uptown):
                site.stop()
    print(f"browser tests: {len(failures)} failed, {time.perf_counter() - started:.1f} s; screenshots in {os.path.relpath(SHOTS, ROOT)}/")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
