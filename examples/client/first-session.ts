// A first session against the SpendSense API through the typed client, as a consumer of the
// package writes it. Browser-neutral (no Node types): from Node, run
//   node -e "import('./first-session.ts').then((m) => m.firstSession('http://localhost:8000', console.log))"
// test/client.test.ts type-checks it strictly and runs it from a node_modules install of the package.
import { createSpendSenseClient, formatMoney, fromDecimalString, ProblemError, toDecimalString } from 'spendsense/client';

export async function firstSession(baseUrl: string, print: (line: string) => void): Promise<void> {
  const client = createSpendSenseClient({ baseUrl });

  // Sign-up stores the token on the client; every later call sends it.
  await client.signUp({ email: `reader-${crypto.randomUUID()}@example.com`, password: 'correct horse battery', default_currency: 'EUR' });

  const { data: account } = await client.POST('/v1/accounts', {
    body: { name: 'Everyday', type: 'checking', currency: 'EUR', opening_balance: fromDecimalString('1250.00', 'EUR') },
  });
  print(`opening balance: ${formatMoney(account.opening_balance, account.currency)}`);

  // The create carries an Idempotency-Key of its own: the client's retry of a 503 records it once.
  await client.POST('/v1/transactions', {
    body: { account_id: account.id, date: '2026-03-14', amount: fromDecimalString('-4.50', 'EUR'), description: 'CARD 4411 BLUE BOTTLE COFFEE SF', status: 'posted' },
  });

  for await (const transaction of client.paginate('/v1/transactions', { params: { query: { account_id: account.id } } })) {
    print(`${transaction.date} ${toDecimalString(transaction.amount, transaction.currency)} ${transaction.currency} ${transaction.merchant}`);
  }

  try {
    await client.GET('/v1/accounts/{id}', { params: { path: { id: crypto.randomUUID() } } });
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
    print(`${error.status} ${error.type}`);
  }
}
