"""Prepares a moto server started with INITIAL_NO_AUTH_ACTION_COUNT=5 and probed once: in the four unauthenticated
requests left, an IAM user allowed everything, its access key and a bucket; from then on moto checks every
request's signature.

Usage: moto_setup.py ENDPOINT BUCKET; prints {"accessKey": …, "secretKey": …}.
"""
import json
import sys

import boto3

endpoint, bucket = sys.argv[1], sys.argv[2]
anyone = {"endpoint_url": endpoint, "region_name": "us-east-1", "aws_access_key_id": "setup", "aws_secret_access_key": "setup"}
iam = boto3.client("iam", **anyone)
iam.create_user(UserName="ac-export")
iam.put_user_policy(UserName="ac-export", PolicyName="lake", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
key = iam.create_access_key(UserName="ac-export")["AccessKey"]
boto3.client("s3", **anyone).create_bucket(Bucket=bucket)
print(json.dumps({"accessKey": key["AccessKeyId"], "secretKey": key["SecretAccessKey"]}))
