"""One page, one role, many requests: run by bench/run.py once per page (see there).

Environment: BENCH_HOST, BENCH_USER / BENCH_PASSWORD (who logs in), BENCH_PATH (the page),
BENCH_POST (JSON form data: the page is then a POST answered by a redirect), BENCH_STATUS
(the answer a GET expects), BENCH_KIND: "stream" records the time to the first byte
("first byte") and to the end ("page"), reading at most BENCH_STREAM_BYTES (a national
export of millions of rows is timed on its first bytes, "capped"); "xlsx" and "stream"
accept the file (200) or the background export's page (302).
"""

import json
import os
import re
import time

import requests
from locust import HttpUser, constant, task

PATH = os.environ["BENCH_PATH"]
POST = json.loads(os.environ.get("BENCH_POST") or "null")
KIND = os.environ.get("BENCH_KIND", "page")
STATUS = int(os.environ.get("BENCH_STATUS", "200"))
STREAM_BYTES = int(os.environ.get("BENCH_STREAM_BYTES", str(8 * 1024 * 1024)))
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def log_in() -> dict:
    """Log in once, before the clock starts (hashing the password takes a second or more);
    every simulated user then shares the session cookie."""
    host, client = os.environ["BENCH_HOST"], requests.Session()
    token = TOKEN.search(client.get(host + "/accounts/login/").text).group(1)
    answer = client.post(
        host + "/accounts/login/",
        {
            "username": os.environ["BENCH_USER"],
            "password": os.environ["BENCH_PASSWORD"],
            "csrfmiddlewaretoken": token,
        },
        headers={"Referer": host + "/accounts/login/"},
        allow_redirects=False,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"login failed for {os.environ['BENCH_USER']}")
    return client.cookies.get_dict()


COOKIES = log_in()


class Visitor(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.client.cookies.update(COOKIES)

    @task
    def page(self) -> None:
        if KIND == "stream":
            self.stream()
            return
        if POST is None:
            expected = {200, 302} if KIND == "xlsx" else {STATUS}
            with self.client.get(
                PATH, name="page", allow_redirects=False, catch_response=True
            ) as answer:
                if answer.status_code not in expected:
                    answer.failure(f"HTTP {answer.status_code}")
            return
        data = dict(POST, csrfmiddlewaretoken=COOKIES["csrftoken"])
        with self.client.post(
            PATH,
            data,
            name="page",
            headers={"Referer": self.host + PATH},
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"HTTP {answer.status_code} (form not accepted)")

    def stream(self) -> None:
        """Headers come with the first rows (a StreamingHttpResponse): the request's own
        time is the first byte's; the end is reported as "page"."""
        started = time.perf_counter()
        # A CSV over its threshold answers with the background export's page (302).
        with self.client.get(
            PATH, name="first byte", stream=True, allow_redirects=False, catch_response=True
        ) as answer:
            if answer.status_code not in (200, 302):
                answer.failure(f"HTTP {answer.status_code}")
                return
            read, capped, error = 0, False, None
            try:
                for chunk in answer.iter_content(chunk_size=65536):
                    read += len(chunk)
                    if read >= STREAM_BYTES:
                        capped = True
                        break
            except Exception as exc:
                error = exc
            answer.success()
        elapsed = (time.perf_counter() - started) * 1000
        self.environment.events.request.fire(
            request_type="GET",
            name="page",
            response_time=elapsed,
            response_length=read,
            exception=error,
            context={},
        )
        if capped:
            self.environment.events.request.fire(
                request_type="GET",
                name="capped",
                response_time=elapsed,
                response_length=read,
                exception=None,
                context={},
            )
