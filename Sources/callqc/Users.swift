import ArgumentParser
import CallQC
import CallQCStore
import Foundation

/// Workbench accounts: the first admin and every other user are made here (there is no default password).
struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", 
        abstract: "Manage the workbench's users, their roles, passwords and personal API tokens.",
        discussion: """
        Users live in the results database. Once one exists, everyone logs in to callqc serve. \
        A new user gets a one-time set-password link (valid 72 hours; the database keeps only its \
        SHA-256), or a password from standard input with --password-stdin. Every change is \
        recorded in the audit log as cli:OSUSER (callqc audit).

        Examples:
          callqc users add lihua --role admin --db qc.sqlite
          printf '%s\\n' "$PASSWORD" | callqc users add wangfang --role agent --agent-id A023 --team east --password-stdin --db qc.sqlite
          callqc users token ci-bot --label nightly --db qc.sqlite
        """,
        subcommands: [Add.self, List.self, Disable.self, Enable.self, ResetPassword.self, SetRole.self, Token.self, Tokens.self, RevokeToken.self]
    )

    static let linkHours = 72

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a user; prints a one-time set-password link unless --password-stdin.")

        @Argument(help: "The user's login name.") var name: String
        @Option(name: .long, help: "What the user may do.") var role: FloorRole
        @Option(name: .customLong("agent-id"), help: "The agent id the user's calls carry (A023); required for agents.") var agentID: String?
        @Option(name: .long, help: "The team the user belongs to or, for a supervisor, oversees.") var team: String?
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input (one line) instead of printing a link.") var passwordStdin = false
        @Option(name: .customLong("base-url"), help: "The workbench's address, put before the link's path (https://qc.example.com).") var baseURL: String?
        @Option(name: .long, help: "The results database (created if missing; default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions

        func validate() throws {
            if role == .agent && (agentID ?? "").isEmpty { throw ValidationError("An agent needs --agent-id (the id their calls carry).") }
        }

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            try FloorAccess.refusing { try SQLStore.checkUserName(name) }
            let password = passwordStdin ? try FloorAccess.passwordFromStandardInput(user: name) : nil
            let store = try StoreAccess.open(db, create: true)
            try FloorAccess.refusing {
                try store.addUser(FloorUser(name: name, role: role, agentID: agentID, team: team, createdAt: ISO8601DateFormatter().string(from: Date())))
            }
            var detail = "role \(role.rawValue)" + (agentID.map { ", agent id \($0)" } ?? "") + (team.map { ", team \($0)" } ?? "")
            if let password {
                try store.setPasswordHash(name, hash: PasswordHasher().hash(password))
                try FloorAccess.audit(store, .userAdded, target: name, detail: detail + ", password from standard input")
                Console.say("added user \(name) (\(role.rawValue)) with a password", redact: false)
                return
            }
            let (link, expires) = try FloorAccess.setupLink(store, user: name, hours: Users.linkHours, baseURL: baseURL)
            detail += ", set-password link until \(ISO8601DateFormatter().string(from: expires))"
            try FloorAccess.audit(store, .userAdded, target: name, detail: detail)
            Console.say("added user \(name) (\(role.rawValue)); give them this one-time link to set a password, valid \(Users.linkHours) hours:", redact: false)
            Console.out(link)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the users.")

        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions
        @Option(name: .long, help: "Output format.") var format: TableOrJSON = .table

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let store = try StoreAccess.open(db)
            let users = try store.users()
            if format == .json {
                Console.out(JSONValue.array(users.map { u in
                    .object([("name", .string(u.name)), ("role", .string(u.role.rawValue)), ("agent_id", .string(u.agentID)),
                             ("team", .string(u.team)), ("disabled", .bool(u.disabled)), ("has_password", .bool(u.hasPassword)),
                             ("created_at", .string(u.createdAt))])
                }).pretty())
                return
            }
            if users.isEmpty {
                Console.say("no users in \(StoreAccess.shown(db)): the workbench runs without logins (add the first admin with callqc users add NAME --role admin --db \(StoreAccess.shown(db)))", redact: false)
                return
            }
            Console.out(FloorAccess.table(["NAME", "ROLE", "AGENT ID", "TEAM", "STATUS", "PASSWORD", "CREATED"], users.map { u in
                [FloorAccess.cell(u.name, redact: false), u.role.rawValue, FloorAccess.cell(u.agentID, redact: false), FloorAccess.cell(u.team, redact: false),
                 u.disabled ? "disabled" : "active", u.hasPassword ? "set" : "not set", u.createdAt]
            }), terminator: "")
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable a user: no login, no API token, their sessions end.")

        @Argument(help: "The user.") var name: String
        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let store = try StoreAccess.open(db)
            try FloorAccess.refusing { try store.setDisabled(name, true) }
            try FloorAccess.audit(store, .userDisabled, target: name, detail: "disabled")
            Console.say("disabled user \(name); their sessions are ended", redact: false)
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled user again.")

        @Argument(help: "The user.") var name: String
        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let store = try StoreAccess.open(db)
            try FloorAccess.refusing { try store.setDisabled(name, false) }
            try FloorAccess.audit(store, .userEnabled, target: name, detail: nil)
            Console.say("enabled user \(name)", redact: false)
        }
    }

    struct ResetPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Clear a user's password and print a new set-password link (or read one with --password-stdin); ends their sessions."
        )

        @Argument(help: "The user.") var name: String
        @Flag(name: .customLong("password-stdin"), help: "Read the new password from standard input (one line).") var passwordStdin = false
        @Option(name: .customLong("base-url"), help: "The workbench's address, put before the link's path.") var baseURL: String?
        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let store = try StoreAccess.open(db)
            guard try store.user(named: name) != nil else {
                Console.error("no user '\(name)' in \(StoreAccess.shown(db))", redact: false)
                throw ExitCode(1)
            }
            if passwordStdin {
                let password = try FloorAccess.passwordFromStandardInput(user: name)
                try store.setPasswordHash(name, hash: PasswordHasher().hash(password))
                try store.deleteSessions(user: name)
                try FloorAccess.audit(store, .passwordReset, target: name, detail: "password from standard input; sessions ended")
                Console.say("set a new password for \(name); their sessions are ended", redact: false)
                return
            }
            try store.setPasswordHash(name, hash: nil)
            try store.deleteSessions(user: name)
            let (link, expires) = try FloorAccess.setupLink(store, user: name, hours: Users.linkHours, baseURL: baseURL)
            try FloorAccess.audit(store, .passwordReset, target: name,
                                  detail: "password cleared; sessions ended; set-password link until \(ISO8601DateFormatter().string(from: expires))")
            Console.say("cleared the password of \(name) and ended their sessions; this one-time link sets a new one, valid \(Users.linkHours) hours:", redact: false)
            Console.out(link)
        }
    }

    struct SetRole: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-role", abstract: "Change a user's role (and agent id or team).")

        @Argument(help: "The user.") var name: String
        @Argument(help: "The new role.") var role: FloorRole
        @Option(name: .customLong("agent-id"), help: "Set the agent id too (needed to make a user an agent).") var agentID: String?
        @Option(name: .long, help: "Set the team too.") var team: String?
        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let store = try StoreAccess.open(db)
            guard let before = try store.user(named: name) else {
                Console.error("no user '\(name)' in \(StoreAccess.shown(db))", redact: false)
                throw ExitCode(1)
            }
            try FloorAccess.refusing {
                if role == .agent && (agentID ?? before.agentID ?? "").isEmpty { throw FloorError("an agent needs an agent id: give --agent-id") }
                if agentID != nil || team != nil { try store.setAgent(name, agentID: agentID, team: team) }
                try store.setRole(name, role: role)
            }
            var detail = "\(before.role.rawValue) → \(role.rawValue)"
            if let agentID { detail += ", agent id \(agentID)" }
            if let team { detail += ", team \(team)" }
            try FloorAccess.audit(store, .roleChanged, target: name, detail: detail)
            Console.say("\(name) is now \(role.rawValue)" + (before.role == role ? " (unchanged)" : " (was \(before.role.rawValue))"), redact: false)
        }
    }

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "token", 
            abstract: "Create a personal API token for a user and print it once (use it as Authorization: Bearer TOKEN)."
        )

        @Argument(help: "The user the token acts as.") var name: String
        @Option(name: .long, help: "What the token is for.") var label: String = ""
        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let store = try StoreAccess.open(db)
            let token = FloorSecret.apiToken()
            let id = try FloorAccess.refusing {
                try store.addToken(user: name, label: label, tokenHash: FloorSecret.sha256Hex(token), createdAt: ISO8601DateFormatter().string(from: Date()))
            }
            try FloorAccess.audit(store, .tokenCreated, target: name, detail: "token \(id)" + (label.isEmpty ? "" : " (\(label))"))
            Console.say("token \(id) for \(name): shown this once, the database keeps only its SHA-256; revoke it with callqc users revoke-token \(id)", redact: false)
            Console.out(token)
        }
    }

    struct Tokens: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "tokens", abstract: "List personal API tokens (never the tokens themselves).")

        @Argument(help: "Only this user's tokens.") var name: String?
        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions
        @Option(name: .long, help: "Output format.") var format: TableOrJSON = .table

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let store = try StoreAccess.open(db)
            let tokens = try store.tokens(user: name)
            if format == .json {
                Console.out(JSONValue.array(tokens.map { t in
                    .object([("id", .number(Double(t.id))), ("user", .string(t.user)), ("label", .string(t.label)), ("created_at", .string(t.createdAt)),
                             ("last_used_at", .string(t.lastUsedAt)), ("revoked_at", .string(t.revokedAt))])
                }).pretty())
                return
            }
            Console.out(FloorAccess.table(["ID", "USER", "LABEL", "CREATED", "LAST USED", "REVOKED"], tokens.map { t in
                [String(t.id), FloorAccess.cell(t.user, redact: false), FloorAccess.cell(t.label, redact: false), t.createdAt,
                 t.lastUsedAt ?? "–", t.revokedAt ?? "–"]
            }), terminator: "")
        }
    }

    struct RevokeToken: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke-token", abstract: "Revoke a personal API token by its id.")

        @Argument(help: "The token's id (callqc users tokens).") var id: Int
        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let store = try StoreAccess.open(db)
            let user = try store.token(id: id)?.user
            try FloorAccess.refusing { try store.revokeToken(id: id, at: ISO8601DateFormatter().string(from: Date())) }
            try FloorAccess.audit(store, .tokenRevoked, target: user, detail: "token \(id)")
            Console.say("revoked token \(id)" + (user.map { " of \($0)" } ?? ""), redact: false)
        }
    }
}
