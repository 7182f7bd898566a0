"""Signs requests with botocore's S3 SigV4 signer, an implementation independent of ours.

Reads a JSON list of requests on stdin (method, url, headers, body as latin-1 text, access and secret key,
token, region, timestamp YYYYMMDDTHHMMSSZ, unsigned), prints a JSON list of their Authorization headers.
"""
import datetime
import json
import sys
from unittest import mock

from botocore import auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

out = []
for case in json.load(sys.stdin):
    when = datetime.datetime.strptime(case["timestamp"], "%Y%m%dT%H%M%SZ")
    request = AWSRequest(method=case["method"], url=case["url"], data=case["body"].encode("latin-1"), headers=case["headers"])
    if case["unsigned"]:
        request.context["client_config"] = Config(s3={"payload_signing_enabled": False})
    signer = auth.S3SigV4Auth(Credentials(case["access"], case["secret"], case.get("token")), "s3", case["region"])
    with mock.patch.object(auth, "get_current_datetime", return_value=when):
        signer.add_auth(request)
    out.append(request.headers["Authorization"])
print(json.dumps(out))
