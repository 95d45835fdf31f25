package demo

import (
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"strings"
)

// DemoPlatform is the name of the demo's seized platform.
const DemoPlatform = "examplevid"

// platformUser is an invented user of the seized platform.
type platformUser struct {
	id                         int
	username, email, phone     string
	role, country, created, ip string
}

// writePlatform writes a seized video platform's database as mysqldump
// text and the mapping file an analyst would have checked. Two of its
// users are demo chat members (Rowan by phone, Sky by e-mail); Rowan
// uploaded a known picture and Sky a picture no bank knows; a viewer
// paid in Bitcoin; the admin is in another country. A sessions table
// holds nothing the mapping names.
func writePlatform(l *Layout) error {
	dir := filepath.Join(l.Root, "platform")
	l.PlatformDump = filepath.Join(dir, "examplevid.sql")
	l.PlatformMapping = filepath.Join(dir, "examplevid.yaml")
	users := []platformUser{
		{1, "vid_admin", "admin@example.org", "", "admin", "DE", "2023-09-01 10:00:00", "192.0.2.5"},
		{12, "rowan_x", "", rowanPhone, "member", "US", "2023-11-20 21:14:00", "198.51.100.23"},
		{13, "skys", skyEmail, "", "member", "NL", "2023-12-02 18:40:00", "203.0.113.77"},
		{14, "quietfox", "quietfox@example.org", "", "member", "BR", "2024-01-05 07:03:00", "192.0.2.44"},
		{15, "night_owl", "night.owl@example.org", "", "member", "NL", "2024-01-19 23:51:00", "198.51.100.90"},
	}
	var b strings.Builder
	b.WriteString("-- MySQL dump 10.13 (synthetic demo data: every value invented)\n")
	b.WriteString("-- Host: db.example.org    Database: examplevid\n\n")
	b.WriteString("CREATE TABLE `users` (`id` int NOT NULL, `username` varchar(64), `email` varchar(255), `phone` varchar(32),\n" +
		"  `password_hash` varchar(255), `role` varchar(16), `country` char(2), `created_at` datetime, `reg_ip` varchar(45), PRIMARY KEY (`id`));\n")
	b.WriteString("INSERT INTO `users` VALUES ")
	for i, u := range users {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "(%d,%s,%s,%s,'$2y$10$demo.not.a.real.hash',%s,%s,%s,%s)", u.id, sqlText(u.username), sqlText(u.email), sqlText(u.phone),
			sqlText(u.role), sqlText(u.country), sqlText(u.created), sqlText(u.ip))
	}
	b.WriteString(";\n\n")
	// Uploads: Rowan's is an exact copy of a known picture, Sky's a
	// picture of a new-material cluster.
	var newImage Image
	for _, im := range l.Images {
		if im.Role == "new-cluster" {
			newImage = im
			break
		}
	}
	b.WriteString("CREATE TABLE `uploads` (`id` int NOT NULL, `user_id` int, `sha256` char(64), `filename` text, `size` bigint, `created_at` datetime);\n")
	fmt.Fprintf(&b, "INSERT INTO `uploads` VALUES (501,12,'%x','clip_0001.jpg',%d,'2024-02-20 22:10:00'),\n(502,13,'%x','clip_0002.jpg',%d,'2024-02-27 19:45:00');\n\n",
		sha256.Sum256(l.KnownImages[0].Data), len(l.KnownImages[0].Data), sha256.Sum256(newImage.Data), len(newImage.Data))
	b.WriteString("CREATE TABLE `views` (`id` int NOT NULL, `user_id` int, `upload_id` int, `created_at` datetime);\n")
	b.WriteString("INSERT INTO `views` VALUES (1,14,501,'2024-02-21 08:00:00'),(2,14,502,'2024-02-28 08:02:00'),(3,15,501,'2024-02-22 23:30:00'),(4,1,502,'2024-02-27 20:00:00');\n\n")
	b.WriteString("CREATE TABLE `logins` (`id` int NOT NULL, `user_id` int, `ip` varchar(45), `user_agent` text, `created_at` datetime);\n")
	b.WriteString("INSERT INTO `logins` VALUES (1,12,'198.51.100.23','Mozilla/5.0 (demo)','2024-02-20 22:00:00'),(2,13,'203.0.113.77','Mozilla/5.0 (demo)','2024-02-27 19:40:00'),\n" +
		"(3,14,'192.0.2.44','Mozilla/5.0 (demo)','2024-02-21 07:58:00'),(4,1,'192.0.2.5','Mozilla/5.0 (demo)','2024-02-27 19:59:00');\n\n")
	b.WriteString("CREATE TABLE `payments` (`id` int NOT NULL, `user_id` int, `chain` varchar(8), `address` varchar(64), `txid` varchar(80), `amount` decimal(18,8), `created_at` datetime);\n")
	fmt.Fprintf(&b, "INSERT INTO `payments` VALUES (71,14,'btc','%s','%s',0.00150000,'2024-02-21 07:59:00');\n\n", btcDemo, strings.Repeat("d3", 32))
	b.WriteString("CREATE TABLE `sessions` (`id` varchar(64) NOT NULL, `user_id` int, `token` varchar(128));\n")
	b.WriteString("INSERT INTO `sessions` VALUES ('s1',12,'demo-token-1'),('s2',13,'demo-token-2');\n")
	if err := writeFile(l.PlatformDump, []byte(b.String())); err != nil {
		return err
	}
	return writeFile(l.PlatformMapping, []byte(platformMapping))
}

// sqlText quotes s as a MySQL string literal, or NULL when empty.
func sqlText(s string) string {
	if s == "" {
		return "NULL"
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// platformMapping maps the demo dump's tables (docs/platform.md); the
// sessions table and the password hashes are left out on purpose.
const platformMapping = `mapping_version: 1
platform: ` + DemoPlatform + `
timezone: "+00:00"
tables:
  users:
    entity: user
    properties:
      id: {column: id}
      username: {column: username}
      email: {column: email}
      phone: {column: phone}
      role: {column: role}
      country: {column: country}
      created: {column: created_at}
      ip: {column: reg_ip}
  uploads:
    entity: upload
    properties:
      id: {column: id}
      user: {column: user_id}
      sha256: {column: sha256}
      name: {column: filename}
      size: {column: size}
      time: {column: created_at}
  views:
    entity: view
    properties:
      user: {column: user_id}
      upload: {column: upload_id}
      time: {column: created_at}
  logins:
    entity: login
    properties:
      user: {column: user_id}
      ip: {column: ip}
      user_agent: {column: user_agent}
      time: {column: created_at}
  payments:
    entity: payment
    properties:
      user: {column: user_id}
      chain: {column: chain}
      address: {column: address}
      txid: {column: txid}
      amount: {column: amount}
      time: {column: created_at}
`
