// Package orgs makes accounts the way AWS Organizations does. The
// bootstrap account is the organization's management account; it creates
// member accounts (CreateAccount), each with an OrganizationAccountAccessRole
// that trusts the management account and carries AdministratorAccess, so an
// administrator reaches a new account with the stock CLI by assuming that
// role. The package serves the Organizations subset over AWS JSON 1.1:
// CreateOrganization, DescribeOrganization, CreateAccount,
// DescribeCreateAccountStatus, ListAccounts and DescribeAccount.
//
// Account creation is synchronous: the status CreateAccount returns is
// already SUCCEEDED (or FAILED), and DescribeCreateAccountStatus reports the
// same record.
package orgs
