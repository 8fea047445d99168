"""The seed's stack as a FastAPI developer would write it: FastAPI + pydantic + asyncpg on the plain
schema (schema.sql). The benchmark's peer: bench/floor.ts's three endpoints at the same paths, the
caller in an X-User-Id header (no auth, like the floor), request bodies and responses through
pydantic models, money in integer minor units.
Usage: PORT=... DATABASE_URL=... /usr/bin/python3 bench/peer/app.py
"""
import base64
import datetime as dt
import json
import os
from typing import List, Optional
from uuid import UUID

import asyncpg
import uvicorn
from fastapi import FastAPI, Header, HTTPException, Query
from pydantic import BaseModel, conint, constr

PAGE_LIMIT = 50
COLUMNS = "id, account_id, date, amount, currency, description, merchant, category_id, notes, status, transfer_id, created_at"

app = FastAPI(title="SpendSense bench peer (FastAPI + asyncpg)")


class TransactionIn(BaseModel):
    account_id: UUID
    date: dt.date
    amount: conint(strict=True, ge=-10**15, le=10**15)  # minor units: -475 is $4.75 spent
    description: constr(strip_whitespace=True, min_length=1, max_length=500)
    merchant: Optional[constr(strip_whitespace=True, min_length=1, max_length=200)] = None
    category_id: Optional[UUID] = None
    notes: Optional[constr(max_length=2000)] = None


class Transaction(BaseModel):
    id: UUID
    account_id: UUID
    date: dt.date
    amount: int
    currency: str
    description: str
    merchant: Optional[str]
    category_id: Optional[UUID]
    notes: Optional[str]
    status: str
    transfer_id: Optional[UUID]
    created_at: dt.datetime


class TransactionPage(BaseModel):
    data: List[Transaction]
    next_cursor: Optional[str]


class CategorySpending(BaseModel):
    category_id: UUID
    name: str
    currency: str
    spent: int
    transactions: int


class SpendingReport(BaseModel):
    data: List[CategorySpending]


@app.on_event("startup")
async def open_pool() -> None:
    # A pool of 10, as the API and the floor have; asyncpg prepares and caches every statement.
    app.state.pool = await asyncpg.create_pool(
        os.environ["DATABASE_URL"], min_size=10, max_size=10, server_settings={"search_path": "plain"})


@app.on_event("shutdown")
async def close_pool() -> None:
    await app.state.pool.close()


@app.get("/healthz")
async def healthz():
    await app.state.pool.fetchval("select 1")
    return {"status": "ok"}


def encode_cursor(row) -> str:
    """The floor's cursor: base64url of [date, id] of the page's last row, unpadded."""
    keyset = json.dumps([row["date"].isoformat(), str(row["id"])], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(keyset).decode().rstrip("=")


def decode_cursor(cursor: str):
    try:
        day, last_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return dt.date.fromisoformat(day), UUID(last_id)
    except (ValueError, TypeError):
        raise HTTPException(400, "invalid cursor")


@app.get("/transactions", response_model=TransactionPage)
async def list_transactions(x_user_id: UUID = Header(...), cursor: Optional[str] = None,
                            limit: int = Query(PAGE_LIMIT, ge=1, le=200)):
    pool = app.state.pool
    if cursor is None:
        rows = await pool.fetch(f"select {COLUMNS} from transactions where user_id = $1 "
                                "order by date desc, id desc limit $2", x_user_id, limit + 1)
    else:
        day, last_id = decode_cursor(cursor)
        rows = await pool.fetch(f"select {COLUMNS} from transactions where user_id = $1 and (date, id) < ($2, $3) "
                                "order by date desc, id desc limit $4", x_user_id, day, last_id, limit + 1)
    page = [dict(row) for row in rows[:limit]]
    return {"data": page, "next_cursor": encode_cursor(page[-1]) if len(rows) > limit else None}


@app.post("/transactions", response_model=Transaction, status_code=201)
async def create_transaction(body: TransactionIn, x_user_id: UUID = Header(...)):
    # One statement: the account must be the caller's (its currency is the row's), the category too.
    row = await app.state.pool.fetchrow(
        f"""insert into transactions (user_id, account_id, date, amount, currency, description, merchant, category_id, notes)
        select $1, a.id, $3, $4, a.currency, $5, $6, $7, $8 from accounts a
        where a.id = $2 and a.user_id = $1
          and ($7::uuid is null or exists (select 1 from categories c where c.id = $7 and c.user_id = $1))
        returning {COLUMNS}""",
        x_user_id, body.account_id, body.date, body.amount, body.description, body.merchant, body.category_id, body.notes)
    if row is None:
        raise HTTPException(422, "no such account or category")
    return dict(row)


@app.get("/reports/spending", response_model=SpendingReport)
async def spending_report(x_user_id: UUID = Header(...), from_: dt.date = Query(..., alias="from"), to: dt.date = Query(...)):
    if to < from_:
        raise HTTPException(422, "to is before from")
    # The naive report, the floor's SQL: every transaction of the range, summed at request time.
    rows = await app.state.pool.fetch(
        """select c.id as category_id, c.name, t.currency, (-sum(t.amount))::bigint as spent, count(*) as transactions
        from transactions t join categories c on c.id = t.category_id and c.user_id = t.user_id
        where t.user_id = $1 and t.date between $2 and $3 and c.kind = 'expense' and t.transfer_id is null
        group by c.id, c.name, t.currency order by spent desc""",
        x_user_id, from_, to)
    return {"data": [dict(row) for row in rows]}


if __name__ == "__main__":
    # One process, as the bench runs the API (WEB_CONCURRENCY=1) and the floor; no access log, like them.
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8200")), workers=1,
                access_log=False, log_level="warning")
